"""Profiles, following members, a member's Atom feed, and the reading list."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from blog.domain import follows, reactions
from blog.extensions import db
from blog.models import Bookmark, utcnow
from helpers import TEST_PASSWORD, json_headers, page
from page_helpers import ATOM, card_titles, entry_titles, follow_button, parse_atom

BACK_TO_ADA = {"Referer": "http://localhost/@ada"}


@pytest.fixture
def ada(make_member):
    return make_member("ada", display_name="Ada Lovelace", bio="Notes on engines.")


# --- the profile page ------------------------------------------------------------------


def test_profile_shows_the_member_their_counts_and_articles(
    client, ada, make_member, make_article
):
    make_article(author=ada, title="On engines")
    make_article(author=ada, title="A draft", publish=False)
    make_article(title="Someone else's")
    fans = [make_member() for _ in range(2)]
    for fan in fans:
        follows.follow(fan, ada)
    follows.follow(ada, fans[0])

    response = client.get("/@ada")
    text = page(response)
    assert "<h1>Ada Lovelace</h1>" in text and "@ada" in text
    assert "Notes on engines." in text
    assert f"Joined <time datetime=\"{ada.created_at.isoformat()}Z\">" in text
    assert follow_button(response) == ("Follow", 2)
    assert "1 following" in text
    assert card_titles(response) == ["On engines"]
    assert ">Follow<" in text and "Edit profile" not in text


def test_any_case_finds_the_member(client, ada):
    assert "<h1>Ada Lovelace</h1>" in page(client.get("/@ADA"))


def test_unknown_member_is_not_found(client, reader):
    for response in (
        client.get("/@nobody"),
        client.get("/@nobody/feed.atom"),
        client.submit("/@nobody/follow"),
        client.post("/@nobody/unfollow", headers=json_headers(client)),
    ):
        assert response.status_code == 404


def test_own_profile_links_to_settings_instead_of_a_follow_button(client, reader, ada):
    follows.follow(ada, reader)
    text = page(client.get("/@reader"))
    assert "1 follower</li>" in text and "0 following</li>" in text
    assert 'href="/settings">Edit profile</a>' in text
    assert ">Follow<" not in text
    nav_link = text.split('class="nav-user" href="/@reader">', 1)[1].split("</a>", 1)[0]
    assert nav_link.endswith('<span class="nav-username">@reader</span>')  # after the face


# --- following members -------------------------------------------------------------------


def test_follow_and_unfollow_with_the_form(client, reader, ada):
    response = client.submit("/@ada/follow", headers=BACK_TO_ADA)
    assert response.headers["Location"] == "/@ada"
    assert follow_button(client.get("/@ada")) == ("Unfollow", 1)
    assert "1 following" in page(client.get("/@reader"))

    response = client.submit("/@ada/unfollow", headers=BACK_TO_ADA)
    assert response.headers["Location"] == "/@ada"
    assert follow_button(client.get("/@ada")) == ("Follow", 0)
    assert follows.followed_among(reader, [ada.id]) == set()


def test_follow_and_unfollow_with_json(client, reader, ada, make_member):
    follows.follow(make_member(), ada)
    response = client.post("/@ada/follow", headers=json_headers(client))
    assert response.get_json() == {"following": True, "followers_count": 2}
    response = client.post("/@ada/unfollow", headers=json_headers(client))
    assert response.get_json() == {"following": False, "followers_count": 1}


def test_following_twice_counts_once(client, reader, ada):
    for _ in range(2):
        response = client.post("/@ada/follow", headers=json_headers(client))
    assert response.get_json() == {"following": True, "followers_count": 1}
    assert follows.followers_count(ada) == 1


def test_you_cannot_follow_yourself(client, reader):
    response = client.post("/@reader/follow", headers=json_headers(client))
    assert response.status_code == 422
    assert response.get_json() == {"errors": {"username": ["You cannot follow yourself."]}}

    response = client.submit(
        "/@reader/follow", headers={"Referer": "http://localhost/@reader"}, follow_redirects=True
    )
    assert response.request.path == "/@reader"
    assert "You cannot follow yourself." in page(response)
    assert follows.followers_count(reader) == 0


def test_unverified_member_may_not_follow(client, auth, make_member, ada):
    make_member("pending", verified=False)
    auth.login("pending")
    assert client.submit("/@ada/follow").status_code == 403
    assert client.post("/@ada/follow", headers=json_headers(client)).status_code == 403
    assert follows.followers_count(ada) == 0


def test_visitor_is_sent_to_log_in_and_comes_back(client, ada, make_member):
    assert client.post("/@ada/follow", headers=json_headers(client)).status_code == 401
    login_url = client.submit("/@ada/follow", headers=BACK_TO_ADA).headers["Location"]
    assert login_url == "/auth/login?next=%2F%40ada"

    make_member("reader")
    response = client.submit(login_url, {"login": "reader", "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/@ada"
    assert follows.followers_count(ada) == 0  # logging in follows nobody by itself


# --- the reading list -----------------------------------------------------------------------


def test_reading_list_needs_login(client):
    response = client.get("/reading-list")
    assert response.headers["Location"] == "/auth/login?next=%2Freading-list"


def test_reading_list_shows_only_your_bookmarks_most_recent_first(
    client, reader, make_member, make_articles
):
    first, second, third, unsaved = make_articles(4)
    for article in (second, first, third):
        reactions.bookmark(reader, article)
    reactions.bookmark(make_member(), unsaved)
    # Bookmarked one second apart, so the order does not depend on the clock's resolution.
    for seconds_ago, article in ((3, second), (2, first), (1, third)):
        db.session.execute(
            update(Bookmark)
            .where(Bookmark.user_id == reader.id, Bookmark.article_id == article.id)
            .values(created_at=utcnow() - timedelta(seconds=seconds_ago))
        )
    db.session.commit()

    response = client.get("/reading-list")
    assert card_titles(response) == ["Article 3", "Article 1", "Article 2"]
    assert page(response).count(">Unbookmark<") == 3


def test_empty_reading_list_explains_how_to_bookmark(client, reader, make_article):
    make_article()
    text = page(client.get("/reading-list"))
    assert "Your reading list is empty" in text
    assert "<strong>Bookmark</strong>" in text


# --- the member's feed ------------------------------------------------------------------------


def test_profile_feed_has_only_the_members_published_articles(client, ada, make_article):
    make_article(author=ada, title="First")
    make_article(author=ada, title="Second")
    make_article(author=ada, title="A draft", publish=False)
    make_article(title="Someone else's")
    feed = parse_atom(client.get("/@ada/feed.atom"))
    assert feed.findtext(f"{ATOM}title") == "Ada Lovelace · blog"
    assert entry_titles(feed) == ["Second", "First"]
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"self": "http://localhost/@ada/feed.atom", "alternate": "http://localhost/@ada"}


# --- speed -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url, logged_in", [
    ("/@author", False), ("/@author", True), ("/reading-list", True), ("/@author/feed.atom", False),
])
def test_lists_run_the_same_statements_for_1_or_20_articles(
    list_statement_counts, url, logged_in
):
    one, twenty = list_statement_counts(url, logged_in)
    assert one == twenty


def test_article_page_offers_to_follow_its_author_but_not_to_the_author(
    client, auth, ada, make_member, make_article
):
    article = make_article(author=ada, title="On engines")
    reader = make_member("member1")
    auth.login()
    url = f"/articles/{article.slug}"
    assert 'action="/@ada/follow"' in page(client.get(url))

    client.submit("/@ada/follow", headers={"Referer": f"http://localhost{url}"})
    assert follows.followed_among(reader, [ada.id]) == {ada.id}
    assert 'action="/@ada/unfollow"' in page(client.get(url))

    auth.logout()
    auth.login("ada")
    text = page(client.get(url))
    assert "/@ada/follow" not in text and "/@ada/unfollow" not in text
