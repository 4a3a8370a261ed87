"""The welcome page a new member lands on once confirmed: tags and members to follow."""

import pytest

from blog.domain import follows, moderation
from blog.domain.listing import tag_named
from helpers import count_queries, link_in, page
from page_helpers import card_titles


def section(response, heading_id):
    html = page(response)
    assert response.status_code == 200, response.status_code
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def writers(make_member, make_article):
    """ada writes #python twice, bob #rust once (latest), carol only a draft."""
    ada, bob, carol = make_member("ada"), make_member("bob"), make_member("carol")
    make_article(author=ada, title="Snakes", tags="python")
    make_article(author=ada, title="More snakes", tags="python")
    make_article(author=bob, title="Crabs", tags="rust")
    make_article(author=carol, title="Not yet", tags="secret", publish=False)
    return ada, bob, carol


def confirm(client, deliver):
    path = link_in(deliver()[-1], "/auth/verify/").removeprefix("http://localhost")
    return client.submit(path)


def test_a_newly_confirmed_member_lands_on_the_welcome_page(client, auth, deliver, writers):
    auth.register()
    response = confirm(client, deliver)
    assert response.headers["Location"] == "/welcome"
    welcome = client.get("/welcome")
    assert "your email is confirmed and you are logged in" in page(welcome)
    tags = section(welcome, "welcome-tags")
    assert tags.index("#python") < tags.index("#rust") and "#secret" not in tags
    members = section(welcome, "welcome-members")
    assert members.index("@bob") < members.index("@ada")  # latest to publish first
    assert "@carol" not in members and "@newbie" not in members
    assert 'href="/?tab=following">Go to my feed</a>' in page(welcome)


def test_confirming_while_logged_in_lands_there_too(client, auth, deliver):
    auth.register()
    auth.login("newbie")
    assert confirm(client, deliver).headers["Location"] == "/welcome"


def test_an_address_confirmed_already_goes_home(client, auth, deliver):
    auth.register()
    confirm(client, deliver)
    assert confirm(client, deliver).headers["Location"] == "/"


def test_one_click_follows_a_tag_and_its_articles_fill_the_following_tab(
    client, reader, writers
):
    back = {"Referer": "http://localhost/welcome"}
    assert client.submit("/t/rust/follow", headers=back).headers["Location"] == "/welcome"
    assert 'action="/t/rust/unfollow"' in section(client.get("/welcome"), "welcome-tags")
    assert card_titles(client.get("/?tab=following")) == ["Crabs"]


def test_one_click_follows_a_member(client, reader, writers):
    back = {"Referer": "http://localhost/welcome"}
    assert client.submit("/@ada/follow", headers=back).headers["Location"] == "/welcome"
    assert 'action="/@ada/unfollow"' in section(client.get("/welcome"), "welcome-members")
    assert card_titles(client.get("/?tab=following")) == ["More snakes", "Snakes"]


def test_banned_members_are_not_suggested(client, reader, writers, make_member):
    moderation.ban(make_member("boss", role="admin"), writers[1], "Spam.")
    assert "@bob" not in section(client.get("/welcome"), "welcome-members")


def test_the_empty_following_tab_links_to_the_welcome_page(client, reader):
    assert 'href="/welcome"' in page(client.get("/?tab=following"))


def test_a_visitor_is_asked_to_log_in(client):
    assert client.get("/welcome").headers["Location"].startswith("/auth/login")


def test_the_page_costs_the_same_for_few_or_many_suggestions(
    client, reader, make_member, make_article
):
    def statements():
        with count_queries() as queries:
            assert client.get("/welcome").status_code == 200
        return len(queries)

    first = make_member("first")
    make_article(author=first, title="One", tags="t0")
    follows.follow(reader, first)
    follows.follow_tag(reader, tag_named("t0"))
    few = statements()
    for n in range(1, 12):
        make_article(author=make_member(f"w{n}"), title=f"A {n}", tags=f"t{n} x{n}")
    assert statements() == few
