"""Kept pages answered before Flask: a visitor's hit never starts a Flask request."""

import contextlib
import logging

import pytest
from flask import request_started
from werkzeug.middleware.proxy_fix import ProxyFix

from blog.domain import comments
from blog.extensions import db
from blog.web.page_cache_wsgi import KeptPages
from helpers import FormClient, count_queries, page

VISITOR_PAGES = ("/", "/articles/cached-story", "/t/python", "/@ada", "/feed.atom",
                 "/api/articles", "/api/articles/cached-story")
PER_ANSWER = {"Date", "X-Request-Id"}


@contextlib.contextmanager
def flask_requests(app):
    """The requests Flask itself handled inside the block (a hit before it is not one)."""
    seen = []

    def started(sender, **extra):
        seen.append(1)

    with request_started.connected_to(started, app):
        yield seen


def visit(app, url, method="GET", cookies=(), **kwargs):
    """A first-time visitor (no cookie but `cookies`): (response, Flask requests, SQL run)."""
    browser = app.test_client()
    for name in cookies:
        browser.set_cookie(name, "anything")
    with flask_requests(app) as seen, count_queries() as statements:
        response = FormClient(browser).open(url, method=method, **kwargs)
    return response, len(seen), len(statements)


def hit(response):
    return response.headers.get("X-Page-Cache") == "hit"


@pytest.fixture
def story(make_member, make_article):
    return make_article(author=make_member("ada"), title="Cached story", tags="python")


def test_a_kept_page_is_answered_without_flask_nor_sql(app, story):
    for url in VISITOR_PAGES:
        first, first_flask, _ = visit(app, url)
        second, flask_runs, statements = visit(app, url)
        assert first.status_code == 200 and not hit(first) and first_flask == 1, url
        assert hit(second) and (flask_runs, statements) == (0, 0), url
        assert second.get_data() == first.get_data(), url


def test_a_hit_carries_the_very_headers_of_the_miss_that_kept_it(app, story):
    for url in VISITOR_PAGES:
        miss, _, _ = visit(app, url)
        kept, flask_runs, _ = visit(app, url)
        assert flask_runs == 0, url
        assert set(kept.headers.keys()) == set(miss.headers.keys()) | {"X-Page-Cache"}, url
        for name in set(miss.headers.keys()) - PER_ANSWER:
            assert kept.headers.get_all(name) == miss.headers.get_all(name), (url, name)
        assert kept.headers["X-Request-Id"] != miss.headers["X-Request-Id"]
        for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                     "X-Frame-Options", "ETag", "Vary", "Cache-Control"):
            assert name in kept.headers, (url, name)


def test_a_write_through_the_domain_shows_at_once(app, story, make_member):
    url = f"/articles/{story.slug}"
    visit(app, url)
    assert hit(visit(app, url)[0])
    comments.add_comment(make_member("bob"), story, "Fresh remark")
    fresh, flask_runs, _ = visit(app, url)
    assert not hit(fresh) and flask_runs == 1
    assert "Fresh remark" in page(fresh)
    again, flask_runs, _ = visit(app, url)
    assert hit(again) and flask_runs == 0 and "Fresh remark" in page(again)


def test_if_none_match_is_answered_304_before_flask(app, story):
    etag = visit(app, "/")[0].headers["ETag"]
    same, flask_runs, _ = visit(app, "/", headers={"If-None-Match": etag})
    assert same.status_code == 304 and flask_runs == 0 and hit(same)
    assert same.get_data() == b"" and same.headers["ETag"] == etag
    assert "Cache-Control" in same.headers
    other, flask_runs, _ = visit(app, "/", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and flask_runs == 0 and other.get_data()


def test_head_gets_the_kept_headers_without_a_body(app, story):
    full = visit(app, "/t/python")[0]
    head, flask_runs, _ = visit(app, "/t/python", method="HEAD")
    assert head.status_code == 200 and hit(head) and flask_runs == 0
    assert head.get_data() == b""
    assert head.headers["Content-Length"] == str(len(full.get_data()))


def test_a_member_is_never_answered_before_flask(app, client, auth, story, make_member):
    make_member("member1")
    visit(app, "/")
    assert hit(visit(app, "/")[0])
    auth.login()
    with flask_requests(app) as seen:
        mine = client.get("/")
    assert seen and not hit(mine) and "@member1" in page(mine)


@pytest.mark.parametrize("header", ["session", "remember", "authorization", "origin"])
def test_a_request_naming_someone_or_from_a_web_app_goes_to_flask(app, story, header):
    visit(app, "/api/articles")
    if header in ("authorization", "origin"):  # CORS answers an Origin with its own headers
        sent = {"Authorization": "Token x"} if header == "authorization" else {
            "Origin": "https://app.example"}
        _, flask_runs, _ = visit(app, "/api/articles", headers=sent)
    else:
        name = (app.config["SESSION_COOKIE_NAME"] if header == "session"
                else app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
        _, flask_runs, _ = visit(app, "/api/articles", cookies=[name])
    assert flask_runs == 1


def test_a_cookie_of_no_account_still_gets_the_kept_page(app, story):
    visit(app, "/")
    response, flask_runs, _ = visit(app, "/", cookies=["theme"])
    assert hit(response) and flask_runs == 0


def test_a_hit_writes_its_access_log_line(app, story, caplog):
    caplog.set_level(logging.INFO, logger="blog.access")
    visit(app, "/?tab=latest")
    response = visit(app, "/?tab=latest")[0]
    line = [r.getMessage() for r in caplog.records if r.name == "blog.access"][-1]
    assert hit(response)
    assert f" {response.headers['X-Request-Id']} GET /?tab=latest 200 " in line
    assert line.endswith(" sql=0 member=-")


def test_off_or_with_the_inspector_flask_answers_everything(make_app):
    assert not isinstance(make_app(PAGE_CACHE=False).wsgi_app, KeptPages)
    assert not isinstance(make_app(FLOW_INSPECTOR=True).wsgi_app, KeptPages)


def test_behind_a_proxy_the_proxy_s_view_comes_first(make_app, make_member, make_article):
    app = make_app(TRUSTED_PROXIES=1)
    assert isinstance(app.wsgi_app, ProxyFix) and isinstance(app.wsgi_app.app, KeptPages)
    with app.app_context():
        make_article(author=make_member("ada"), title="Proxied")
        site = {"X-Forwarded-Host": "site.example", "X-Forwarded-Proto": "https"}
        visit(app, "/", headers=site)
        assert hit(visit(app, "/", headers=site)[0])
        assert not hit(visit(app, "/", headers={"X-Forwarded-Host": "other.example"})[0])


def test_apps_sharing_a_redis_answer_each_other_s_pages_before_flask(
        make_app, make_member, make_article, shared_redis, key_prefix):
    settings = {"PAGE_CACHE_URL": shared_redis, "PAGE_CACHE_KEY_PREFIX": key_prefix}
    first, second = make_app(**settings), make_app(**settings)
    with first.app_context():
        story = make_article(author=make_member("ada"), title="Shared story")
        url = f"/articles/{story.slug}"
        assert not hit(visit(first, "/")[0]) and not hit(visit(first, url)[0])
    with second.app_context():
        for seen in ("/", url):
            kept, flask_runs, _ = visit(second, seen)
            assert hit(kept) and flask_runs == 0 and "Shared story" in page(kept), seen
    with first.app_context():
        comments.add_comment(make_member("bob"), db.session.merge(story), "Seen everywhere")
    with second.app_context():
        fresh, flask_runs, _ = visit(second, url)
        assert flask_runs == 1 and "Seen everywhere" in page(fresh)
        assert not hit(visit(second, "/")[0])  # the write moved the shared clock
