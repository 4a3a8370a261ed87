"""Attacks on what is kept: by the page cache, by browsers and by proxies in front."""

import time

import pytest

from blog.domain import articles


@pytest.fixture
def live_config():
    return {"PUBLIC_MAX_AGE": 1}


def retitle(article, title):
    return articles.update_article(article, article.author, title, article.description,
                                   article.body, [t.name for t in article.tags],
                                   article.cover_url, publish=True)


def test_a_title_that_goes_back_traps_no_visitor_in_a_redirect_loop(new_page, live_server,
                                                                     make_member, make_article):
    """A 301 without an age is kept by the browser for good: after One -> Two -> One, its
    /one -> /two and the site's /two -> /one went round until ERR_TOO_MANY_REDIRECTS."""
    article = retitle(make_article(author=make_member("ada"), title="One"), "Two")
    tab = new_page()
    tab.goto(f"{live_server.url}/articles/one")
    assert tab.url == f"{live_server.url}/articles/two"
    retitle(article, "One")
    time.sleep(1.5)  # PUBLIC_MAX_AGE
    tab.goto(f"{live_server.url}/articles/one")
    assert tab.url == f"{live_server.url}/articles/one"
    assert tab.locator("h1").inner_text() == "One"


def test_the_dev_mailbox_is_never_kept(app, make_member, make_client):
    """Outside production and development (the inspector off) its list was kept: a reset
    link mailed meanwhile was missing, and every emailed link went out as public."""
    make_member("ada")
    make_client().get("/dev/mail")
    make_client().submit("/auth/reset", {"email": "ada@example.com"})
    response = make_client().get("/dev/mail")
    assert "Reset your password" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
