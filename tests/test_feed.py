"""The home page tabs, pagination, tag pages and following tags (the Atom feeds: test_atom.py)."""

import html
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from blog.domain import articles, follows, reactions
from blog.domain.listing import tag_named
from blog.models import utcnow
from helpers import json_headers, page
from page_helpers import card_titles, follow_button, set_published_at


def link_query(response, rel):
    """The query of the pager's rel=prev/next link, as a dict; None when there is none."""
    text = page(response)
    marker = f'rel="{rel}" href="'
    if marker not in text:
        return None
    href = html.unescape(text.split(marker, 1)[1].split('"', 1)[0])
    return {key: values[0] for key, values in parse_qs(urlsplit(href).query).items()}


def current_tab(response):
    return page(response).split('aria-current="page">', 1)[1].split("<", 1)[0]


# --- the home page tabs ---------------------------------------------------------------


def test_visitor_sees_the_welcome_and_latest_by_default(client, make_articles):
    make_articles(2)
    response = client.get("/")
    assert "Welcome to" in page(response)
    assert current_tab(response) == "Latest"
    assert card_titles(response) == ["Article 2", "Article 1"]


def test_member_sees_following_by_default(client, reader):
    response = client.get("/")
    assert current_tab(response) == "Following"
    assert "Welcome to" not in page(response)


def test_visitor_asking_for_following_is_sent_to_log_in(client):
    response = client.get("/?tab=following")
    assert response.headers["Location"] == "/auth/login?next=%2F%3Ftab%3Dfollowing"


@pytest.mark.parametrize("query, tab", [
    ("?tab=bogus", "Latest"), ("?tab=", "Latest"), ("?tab=top&period=decade", "Top"),
])
def test_unknown_tab_or_period_falls_back_to_the_default(client, query, tab):
    response = client.get("/" + query)
    assert response.status_code == 200
    assert current_tab(response) == tab
    if tab == "Top":
        assert 'aria-current="page">Week<' in page(response)


def test_latest_is_newest_first(client, make_articles):
    make_articles(3)
    assert card_titles(client.get("/?tab=latest")) == ["Article 3", "Article 2", "Article 1"]


def test_top_orders_by_likes_within_the_period(client, make_member, make_article):
    fans = [make_member() for _ in range(3)]
    liked_twice, liked_once, old = (
        make_article(title=title) for title in ("Liked twice", "Liked once", "Old favourite")
    )
    for article, likes in ((liked_twice, 2), (liked_once, 1), (old, 3)):
        for fan in fans[:likes]:
            reactions.like(fan, article)
    set_published_at(old, utcnow() - timedelta(days=60))

    recent = ["Liked twice", "Liked once"]
    assert card_titles(client.get("/?tab=top")) == recent
    assert card_titles(client.get("/?tab=top&period=week")) == recent
    assert card_titles(client.get("/?tab=top&period=month")) == recent
    assert card_titles(client.get("/?tab=top&period=year")) == ["Old favourite", *recent]
    assert card_titles(client.get("/?tab=top&period=all")) == ["Old favourite", *recent]


def test_following_shows_followed_members_and_tags_and_nothing_else(
    client, reader, make_member, make_article
):
    followed, stranger = make_member("followed"), make_member("stranger")
    make_article(author=followed, title="By a followed member")
    make_article(author=stranger, title="In a followed tag", tags="rust")
    make_article(author=stranger, title="By a stranger", tags="python")
    make_article(author=reader, title="By the reader")
    make_article(author=followed, title="A draft", publish=False)
    follows.follow(reader, followed)
    follows.follow_tag(reader, tag_named("rust"))

    titles = card_titles(client.get("/?tab=following"))
    assert titles == ["In a followed tag", "By a followed member"]


def test_following_two_tags_of_the_same_articles_shows_each_once_and_all_of_them(
    client, reader, make_member, make_article
):
    """An article in two followed tags is one entry of the feed: it must not take two
    places of a page (the feed once showed 11 of these 21 on its first page, and no next)."""
    stranger = make_member("stranger")
    made = [make_article(author=stranger, title=f"Both {n}", tags="python web").title
            for n in range(1, 22)]
    follows.follow_tag(reader, tag_named("python"))
    follows.follow_tag(reader, tag_named("web"))

    first = client.get("/?tab=following")
    assert link_query(first, "next") == {"tab": "following", "page": "2"}
    second = client.get("/?tab=following&page=2")
    assert card_titles(first) + card_titles(second) == made[::-1]


def test_empty_following_explains_how_to_follow(client, reader, make_article):
    make_article(title="Somebody else's")
    text = page(client.get("/?tab=following"))
    assert "Nothing to read here yet" in text
    assert "press <strong>Follow</strong>" in text
    assert "Somebody else" not in text


# --- pagination ------------------------------------------------------------------------


def test_21_articles_make_two_pages_in_a_stable_order(client, make_articles):
    made = [article.title for article in make_articles(21)]
    first = client.get("/?tab=latest")
    assert link_query(first, "prev") is None
    assert link_query(first, "next") == {"tab": "latest", "page": "2"}
    second = client.get("/?tab=latest&page=2")
    assert link_query(second, "prev") == {"tab": "latest"}
    assert link_query(second, "next") is None

    titles = card_titles(first) + card_titles(second)
    assert (len(card_titles(first)), len(card_titles(second))) == (20, 1)
    assert titles == made[::-1]  # newest first, each exactly once


def test_top_pages_keep_the_period(client, make_articles):
    make_articles(21)
    response = client.get("/?tab=top&period=all")
    assert link_query(response, "next") == {"tab": "top", "period": "all", "page": "2"}
    assert len(card_titles(client.get("/?tab=top&period=all&page=2"))) == 1


@pytest.mark.parametrize("value", ["abc", "0", "-3", "", "1.5"])
def test_bad_page_values_show_the_first_page(client, make_articles, value):
    make_articles(21)
    assert card_titles(client.get(f"/?tab=latest&page={value}")) == card_titles(
        client.get("/?tab=latest")
    )


def test_a_page_past_the_end_is_empty_not_an_error(client, make_articles):
    make_articles(1)
    for number in ("2", "99999999999999999999999"):
        response = client.get(f"/?tab=latest&page={number}")
        assert card_titles(response) == []
        assert "No more articles here" in page(response)


# --- tag pages ---------------------------------------------------------------------------


def test_tag_page_lists_its_articles_with_follower_count(client, make_article, make_member):
    make_article(title="Snakes", tags="python web")
    make_article(title="Crabs", tags="rust")
    follows.follow_tag(make_member(), tag_named("python"))
    response = client.get("/t/python")
    text = page(response)
    assert "<h1>#python</h1>" in text
    assert follow_button(response) == ("Follow", 1)
    assert card_titles(response) == ["Snakes"]
    assert 'href="/t/web">#web</a>' in text


def test_unknown_tag_has_an_empty_page_but_no_feed(client):
    """A valid name nobody used yet is a page that says so (tests/test_tags_page.py)."""
    assert client.get("/t/nothing").status_code == 200
    assert client.get("/t/nothing/feed.atom").status_code == 404
    assert client.get("/t/no.thing").status_code == 404


def test_tag_in_another_case_redirects_to_the_lowercase_page(client, make_article):
    make_article(tags="python")
    response = client.get("/t/PyThon?page=2")
    assert response.status_code == 301
    assert response.headers["Location"] == "/t/python?page=2"


def test_follow_and_unfollow_a_tag_with_the_form(client, reader, make_article):
    make_article(tags="python")
    back = {"Referer": "http://localhost/t/python"}
    response = client.submit("/t/python/follow", headers=back)
    assert response.headers["Location"] == "/t/python"
    assert follow_button(client.get("/t/python")) == ("Unfollow", 1)
    assert follows.is_following_tag(reader, tag_named("python"))

    response = client.submit("/t/python/unfollow", headers=back)
    assert response.headers["Location"] == "/t/python"
    assert follow_button(client.get("/t/python")) == ("Follow", 0)


def test_follow_and_unfollow_a_tag_with_json(client, reader, make_article):
    make_article(tags="python")
    response = client.post("/t/python/follow", headers=json_headers(client))
    assert response.get_json() == {"following": True, "followers_count": 1}
    response = client.post("/t/python/follow", headers=json_headers(client))
    assert response.get_json() == {"following": True, "followers_count": 1}
    response = client.post("/t/python/unfollow", headers=json_headers(client))
    assert response.get_json() == {"following": False, "followers_count": 0}


def test_following_a_tag_needs_a_verified_member(client, auth, make_member, make_article):
    make_article(tags="python")
    assert client.post("/t/python/follow", headers=json_headers(client)).status_code == 401
    make_member("pending", verified=False)
    auth.login("pending")
    response = client.post("/t/python/follow", headers=json_headers(client))
    assert response.status_code == 403
    assert "confirm your email" in response.get_json()["errors"]["body"][0]
    assert client.post("/t/nothing/follow", headers=json_headers(client)).status_code == 404


# --- drafts and speed -------------------------------------------------------------------------


def test_drafts_never_appear_in_any_list_or_feed(client, reader, make_member, make_article):
    author = make_member("author")
    reactions.bookmark(reader, make_article(author=author, title="Published", tags="python"))
    follows.follow(reader, author)
    follows.follow_tag(reader, tag_named("python"))
    make_article(author=author, title="Never published", tags="python", publish=False)
    unpublished = make_article(author=author, title="Taken back", tags="python")
    reactions.like(reader, unpublished)
    reactions.bookmark(reader, unpublished)
    articles.update_article(
        unpublished, author, "Taken back", "", unpublished.body, "python", "", publish=False
    )
    for url in ("/?tab=latest", "/?tab=top&period=all", "/?tab=following", "/t/python",
                "/@author", "/reading-list", "/feed.atom", "/t/python/feed.atom",
                "/@author/feed.atom"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = page(response)
        assert "Never published" not in text and "Taken back" not in text, url
        assert "Published" in text, url


FEED_LISTS = [
    ("/?tab=latest", False), ("/?tab=latest", True), ("/?tab=top", True),
    ("/?tab=following", True), ("/t/python", False), ("/t/python", True),
    ("/feed.atom", False), ("/t/python/feed.atom", False),
]


@pytest.mark.parametrize("url, logged_in", FEED_LISTS)
def test_lists_run_the_same_statements_for_1_or_20_articles(
    list_statement_counts, url, logged_in
):
    one, twenty = list_statement_counts(url, logged_in)
    assert one == twenty


def test_the_icon_is_found_where_browsers_look_for_it_unasked(client):
    # Chromium asks for /favicon.ico when it shows a document without a page's <link>.
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/static/favicon.svg")
    icon = client.get(response.headers["Location"])
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert "Set-Cookie" not in response.headers and "Set-Cookie" not in icon.headers
    icon.close()
