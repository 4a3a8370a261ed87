"""Newcomers write less for their first days, and post a limited number of links."""

from datetime import timedelta

import pytest
from api_contract import ApiClient

from blog.domain.articles import create_article
from blog.domain.newcomers import count_links
from blog.extensions import db
from blog.models import utcnow
from helpers import api_errors


@pytest.fixture
def site(make_app):
    """An app with limits on, newcomers for 3 days, and small budgets; its context open."""
    app = make_app(RATELIMIT_ENABLED=True, NEW_MEMBER_DAYS=3,
                   RATELIMIT_ARTICLES_PER_NEW_MEMBER="1 per hour",
                   RATELIMIT_ARTICLES_PER_MEMBER="5 per hour",
                   RATELIMIT_COMMENTS_PER_NEW_MEMBER="50 per hour",
                   RATELIMIT_LINKS_PER_NEW_MEMBER="3 per hour")
    with app.app_context():
        yield app
        db.session.remove()


def member_since(make_member, name, days):
    user = make_member(name)
    user.created_at = utcnow() - timedelta(days=days)
    db.session.commit()
    return user


def post_article(api, token, title, body="Plain words."):
    return api.post("/api/articles", {"article": {
        "title": title, "description": "About it", "body": body, "tagList": []}}, token=token)


def test_a_newcomer_writes_fewer_articles_than_a_member_of_some_days(site, make_member):
    api = ApiClient(site.test_client())
    newcomer = member_since(make_member, "fresh", days=0)
    settled = member_since(make_member, "settled", days=10)
    fresh_token, settled_token = api.login(newcomer.email), api.login(settled.email)
    assert post_article(api, fresh_token, "One").status_code == 201
    assert list(api_errors(post_article(api, fresh_token, "Two"), 429)) == ["body"]
    assert post_article(api, settled_token, "Three").status_code == 201
    assert post_article(api, settled_token, "Four").status_code == 201


def test_a_newcomer_s_links_spend_a_budget_of_their_own(site, make_member):
    # Not the make_article fixture: its app would turn the process's limiter off.
    api = ApiClient(site.test_client())
    article = create_article(member_since(make_member, "host", days=30), "Host", "", "Body",
                             "", "", publish=True)
    token = api.login(member_since(make_member, "fresh", days=1).email)
    url = f"/api/articles/{article.slug}/comments"

    def comment(body):
        return api.post(url, {"comment": {"body": body}}, token=token)

    assert comment("See https://a.example and [b](https://b.example)").status_code == 201
    assert comment("No links, just words").status_code == 201
    refused = comment("Two more: https://c.example www.d.example")
    assert list(api_errors(refused, 429)) == ["body"]
    # A refused post spent its links too (every attempt counts, as per IP): words still go.
    assert comment("One more: https://c.example").status_code == 429
    assert comment("Words alone").status_code == 201

    settled = api.login(member_since(make_member, "settled", days=4).email)
    many = " ".join(f"https://{n}.example" for n in range(6))
    assert api.post(url, {"comment": {"body": many}}, token=settled).status_code == 201


def test_newcomers_are_a_production_matter_by_default(make_app):
    from blog import create_app
    from helpers import _test_config

    assert make_app().config["NEW_MEMBER_DAYS"] == 0  # tests, development: nobody is new
    production = create_app(_test_config(make_app().config["SQLALCHEMY_DATABASE_URI"],
                                         BLOG_ENV="production"))
    assert production.config["NEW_MEMBER_DAYS"] == 3


def test_links_are_counted_as_a_reader_sees_them():
    assert count_links("") == 0
    assert count_links("no link, a.b and me@example.com") == 0
    assert count_links("<https://a.example> [x](http://b.example/p?q=1) www.c.example") == 3
