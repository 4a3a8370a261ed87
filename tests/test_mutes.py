"""Muting members and tags: out of my feeds, folded in comments, and nobody is told."""

import pytest

from blog.domain import comments, follows, mutes, notification_pages, reactions
from blog.domain.listing import tag_named
from helpers import count_queries, json_headers, page
from page_helpers import card_titles

FEEDS = ("/?tab=latest", "/?tab=following", "/?tab=top&period=all")


@pytest.fixture
def scene(make_member, make_article):
    """carol follows ada, bob and #python; ada and bob each wrote a #python article."""
    ada, bob, carol = make_member("ada"), make_member("bob"), make_member("carol")
    adas = make_article(author=ada, title="Ada on engines", tags="python, history")
    bobs = make_article(author=bob, title="Bob on snakes", tags="python")
    for someone in (ada, bob):
        follows.follow(carol, someone)
        reactions.like(someone, adas)  # so that the Top tab has both, in a known order
    follows.follow_tag(carol, tag_named("python"))
    return {"ada": ada, "bob": bob, "carol": carol, "adas": adas, "bobs": bobs}


def titles_everywhere(client, extra=()):
    return {url: card_titles(client.get(url)) for url in (*FEEDS, *extra)}


def test_a_muted_member_leaves_every_feed_of_the_member_who_muted(
        client, auth, make_client, api, scene):
    auth.login("carol")
    before = titles_everywhere(client, ["/t/python"])
    assert all("Ada on engines" in titles for titles in before.values()), before
    mutes.mute(scene["carol"], scene["ada"])
    after = titles_everywhere(client, ["/t/python"])
    assert all("Ada on engines" not in titles and "Bob on snakes" in titles
               for titles in after.values()), after
    # Others see it as before: a visitor, and bob.
    assert "Ada on engines" in card_titles(make_client().get("/?tab=latest"))
    token = api.login(scene["carol"].email)
    feed = api.get("/api/articles/feed", token=token).get_json()
    assert [a["title"] for a in feed["articles"]] == ["Bob on snakes"]
    assert feed["articlesCount"] == 1


def test_a_muted_tag_leaves_the_feeds_but_stays_on_its_own_page(client, auth, scene):
    auth.login("carol")
    mutes.mute_tag(scene["carol"], tag_named("history"))
    for url, titles in titles_everywhere(client).items():
        assert titles == ["Bob on snakes"], url
    # Another tag's page leaves it out too; the muted tag's own page is what carol asked for.
    assert card_titles(client.get("/t/python")) == ["Bob on snakes"]
    history = client.get("/t/history")
    assert card_titles(history) == ["Ada on engines"]
    assert "You muted #history" in page(history)


def test_muting_and_unmuting_from_the_buttons_answer_json_for_the_script(client, auth, scene):
    auth.login("carol")
    muted = client.post("/@ada/mute", headers=json_headers(client))
    assert muted.status_code == 200 and muted.get_json() == {"muted": True}
    button = page(client.get("/@ada")).split('data-state-key="muted"')[1].split("</button>")[0]
    assert 'aria-pressed="true"' in button and "Unmute" in button
    settings = page(client.get("/settings"))
    assert "@ada" in settings.split('id="muted-heading"')[1].split("</section>")[0]
    again = client.post("/@ada/mute", headers=json_headers(client))  # idempotent
    assert again.get_json() == {"muted": True}
    unmuted = client.post("/@ada/unmute", headers=json_headers(client))
    assert unmuted.get_json() == {"muted": False}
    assert "Ada on engines" in card_titles(client.get("/?tab=latest"))
    assert client.post("/t/history/mute", headers=json_headers(client)).get_json() == {
        "muted": True}
    assert "#history" in page(client.get("/settings")).split('id="muted-heading"')[1]
    assert client.post("/t/history/unmute", headers=json_headers(client)).get_json() == {
        "muted": False}
    assert 'id="muted-empty"' in page(client.get("/settings"))


def test_without_javascript_the_form_mutes_and_comes_back(client, auth, scene):
    auth.login("carol")
    response = client.submit("/@ada/mute", headers={"Referer": "http://localhost/@ada"})
    assert response.status_code == 302
    assert mutes.is_muting(scene["carol"], scene["ada"])


def test_nobody_mutes_themselves_and_visitors_must_log_in(client, auth, make_client, scene):
    visitor = make_client()
    assert visitor.post("/@ada/mute").status_code in (302, 400)
    assert "Mute" not in page(visitor.get("/@ada"))  # no button for visitors
    auth.login("carol")
    refused = client.post("/@carol/mute", headers=json_headers(client))
    assert refused.status_code == 422
    assert refused.get_json() == {"errors": {"username": ["You cannot mute yourself."]}}
    assert client.post("/@ada/mute").status_code == 400  # no CSRF token
    assert not mutes.is_muting(scene["carol"], scene["ada"])


def test_a_muted_member_s_comments_show_folded(client, auth, scene):
    comments.add_comment(scene["ada"], scene["bobs"], "A remark by Ada")
    comments.add_comment(scene["bob"], scene["bobs"], "An answer by Bob")
    mutes.mute(scene["carol"], scene["ada"])
    auth.login("carol")
    html = page(client.get(f"/articles/{scene['bobs'].slug}"))
    assert html.count('<details class="comment-muted">') == 1
    folded = html.split('<details class="comment-muted">')[1].split("</details>")[0]
    assert "Comment by a member you muted" in folded
    assert "A remark by Ada" in folded  # there to open
    assert "An answer by Bob" in html and "An answer by Bob" not in folded


def test_the_muted_member_cannot_tell(client, auth, make_client, scene):
    ada = make_client()
    ada.submit("/auth/login", {"login": "ada", "password": "correct horse battery"})
    before = {url: page(ada.get(url)) for url in ("/@ada", f"/articles/{scene['adas'].slug}")}
    mutes.mute(scene["carol"], scene["ada"])
    for url, html in before.items():
        now = page(ada.get(url))
        assert "mute" not in now.lower(), url
        assert now.count("carol") == html.count("carol"), url


def test_mutes_cost_no_extra_statement_on_a_feed(client, auth, scene):
    auth.login("carol")
    client.get("/?tab=latest")
    with count_queries() as before:
        client.get("/?tab=latest")
    mutes.mute(scene["carol"], scene["ada"])
    mutes.mute_tag(scene["carol"], tag_named("history"))
    with count_queries() as after:
        client.get("/?tab=latest")
    assert len(after) == len(before)


def test_a_member_who_mutes_nothing_pays_for_no_mute_check(client, auth, scene):
    comments.add_comment(scene["ada"], scene["bobs"], "A remark by Ada")
    auth.login("carol")
    url = f"/articles/{scene['bobs'].slug}"
    with count_queries() as quiet:  # built: the comments are not kept yet
        assert "A remark by Ada" in page(client.get(url))
    # Mutes are read only by the query that finds the member anyway (whether they mute
    # anything) and by the bell's (a muted member's notifications are not counted).
    assert [q for q in quiet if "mutes" in q
            and "FROM login_sessions" not in q and "notifications" not in q] == []
    mutes.mute(scene["carol"], scene["ada"])
    with count_queries() as muting:
        html = page(client.get(url))
    assert len(muting) == len(quiet) + 1  # which of the comments' authors carol muted
    assert '<details class="comment-muted">' in html
    mutes.unmute(scene["carol"], scene["ada"])
    with count_queries() as again:  # built again: the unmute is a change
        assert '<details class="comment-muted">' not in page(client.get(url))
    assert len(again) == len(quiet)


def test_a_muted_member_rings_no_bell_until_unmuted(client, auth, scene, make_article):
    carol, ada, bob = scene["carol"], scene["ada"], scene["bob"]
    carols = make_article(author=carol, title="Carol writes")
    mutes.mute(carol, ada)
    comments.add_comment(ada, carols, "Hello @carol")
    reactions.like(ada, carols)
    reactions.like(bob, carols)
    assert notification_pages.unread_count(carol) == 1  # bob's like alone
    auth.login("carol")
    listed = page(client.get("/notifications"))
    assert "@bob" in listed and "@ada" not in listed
    mutes.unmute(carol, ada)
    # ada's comment (naming @carol in it makes no second one), her like, bob's like
    assert notification_pages.unread_count(carol) == 3


@pytest.mark.parametrize("muted", ["member", "tag"])
def test_the_following_feed_still_fills_its_page_when_the_newest_it_follows_are_muted(
        client, auth, api, scene, make_articles, muted):
    # ada (followed) then writes a page and more of #python #history articles, newer than
    # Bob's: carol mutes ada, or #history. Once, the feed took the newest of what carol
    # follows first and took out the muted afterwards: the page came out empty.
    carol = scene["carol"]
    make_articles(25, author=scene["ada"], title="Ada again", tags="python, history")
    if muted == "member":
        mutes.mute(carol, scene["ada"])
    else:
        mutes.mute_tag(carol, tag_named("history"))
    auth.login("carol")
    assert card_titles(client.get("/?tab=following")) == ["Bob on snakes"]
    token = api.login(carol.email)
    feed = api.get("/api/articles/feed", token=token).get_json()
    assert [a["title"] for a in feed["articles"]] == ["Bob on snakes"]
    assert feed["articlesCount"] == 1
    # A window past the muted ones: what is after Bob's is nothing.
    assert api.get("/api/articles/feed?offset=1", token=token).get_json()["articles"] == []


@pytest.mark.parametrize("part", ["member", "tag"])
def test_what_a_followed_member_or_tag_had_before_its_muted_newest_still_comes(
        client, auth, api, scene, make_member, make_articles, part):
    """Each part of the feed reads the newest the member did not mute, as many as a page
    needs: the muted among a followed member's (or tag's) newest hide nothing older."""
    carol = scene["carol"]
    writer, kept_tag = (scene["ada"], "rust") if part == "member" else (make_member("dan"),
                                                                        "python")
    make_articles(3, author=writer, title="Unmuted", tags=kept_tag)
    make_articles(25, author=writer, title="Muted", tags=f"{kept_tag}, history")
    mutes.mute_tag(carol, tag_named("history"))
    wanted = ["Unmuted 3", "Unmuted 2", "Unmuted 1", "Bob on snakes"]
    auth.login("carol")
    assert card_titles(client.get("/?tab=following")) == wanted
    token = api.login(carol.email)
    feed = api.get("/api/articles/feed", token=token).get_json()
    assert [a["title"] for a in feed["articles"]] == wanted
    assert feed["articlesCount"] == 4
