"""A visitor's page is the same for every visitor: no cookie, no token, headers a cache may use."""

import re

import pytest

from blog.domain.comments import add_comment
from helpers import page

TOKEN = re.compile(r'name="csrf_token"|csrf', re.I)


@pytest.fixture
def site(make_member, make_article):
    author = make_member("ada")
    article = make_article(author=author, title="Shared by all", tags="python")
    add_comment(make_member("bob"), article, "Nice")
    return article


def visitor_urls(article):
    return ["/", "/?tab=top", "/?tab=latest", f"/articles/{article.slug}", "/t/python",
            "/@ada", "/feed.atom", "/t/python/feed.atom", "/@ada/feed.atom"]


def test_a_visitor_gets_no_cookie_and_no_token(app, site):
    for url in visitor_urls(site):
        visitor = app.test_client()  # a first visit: no cookie at all
        response = visitor.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        assert not TOKEN.search(page(response)), url


def test_a_visitor_s_like_and_follow_lead_to_the_login_page_and_back(app, site):
    html = page(app.test_client().get(f"/articles/{site.slug}"))
    forms = re.findall(r'<form method="get" action="/auth/login"[^>]*>\s*'
                       r'<input type="hidden" name="next" value="([^"]+)">\s*'
                       r'<button[^>]*>\s*<span class="toggle-label">(\w+)</span>', html)
    assert ("/articles/shared-by-all", "Like") in forms
    assert ("/articles/shared-by-all", "Bookmark") in forms
    assert ("/articles/shared-by-all", "Follow") in forms
    back = app.test_client().get("/auth/login?next=/articles/shared-by-all")
    assert back.status_code == 200


@pytest.mark.parametrize("query", ["{count}", "{0}", "}{", "%7Bcsrf%7D"])
def test_braces_in_the_address_come_back_as_text_on_every_button(app, site, query):
    # A button's fixed parts are kept filled in (blog/web/buttons.py) and the rest is
    # filled in by a second format(): the address a visitor asked for must not take part.
    html = page(app.test_client().get(f"/?tab=latest&q={query}"))
    back = re.findall(r'name="next" value="([^"]+)"', html)
    assert len(back) == 2  # the card's Like and Bookmark
    assert set(back) == {"/?tab=latest&amp;q=" + query}


def test_public_answers_may_be_stored_briefly_and_shared(app, site):
    for url in [*visitor_urls(site), "/api/articles", f"/api/articles/{site.slug}",
                "/api/profiles/ada", "/api/tags", f"/api/articles/{site.slug}/comments"]:
        response = app.test_client().get(url)
        assert response.status_code == 200, url
        cache_control = response.cache_control
        assert cache_control.public and cache_control.max_age == 5, (url, cache_control)
        assert "stale-while-revalidate=30" in response.headers["Cache-Control"], url
        assert response.headers.get("ETag"), url


def test_an_unchanged_page_answers_304(app, site):
    visitor = app.test_client()
    first = visitor.get(f"/articles/{site.slug}")
    again = visitor.get(f"/articles/{site.slug}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    api = visitor.get("/api/articles")
    assert visitor.get("/api/articles", headers={
        "If-None-Match": api.headers["ETag"]}).status_code == 304


def test_a_changed_page_answers_200_again(app, site, make_member):
    visitor = app.test_client()
    first = visitor.get(f"/articles/{site.slug}")
    add_comment(make_member("carol"), site, "A second opinion")
    again = visitor.get(f"/articles/{site.slug}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "A second opinion" in page(again)


def test_members_answers_are_never_public(client, auth, site, make_member):
    make_member("member1")
    auth.login()
    for url in visitor_urls(site):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cache_control.public and response.cache_control.no_store, url
        assert "ETag" not in response.headers, url
