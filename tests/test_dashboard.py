"""My dashboard: drafts and published articles with their counts, and the drafts in the menu."""

import re
from datetime import timedelta

from blog.domain import comments, moderation, reactions
from blog.models import utcnow
from helpers import count_queries, page
from page_helpers import article_form, set_published_at

ITEM_TITLE = re.compile(r'<h3 class="card-title"><a href="[^"]*">([^<]*)</a>')
STATS = re.compile(r'<span>(\d+) likes?</span>\s*· <span>(\d+) comments?</span>\s*'
                   r'· <span>(\d+) bookmarks?</span>')


def titles(response):
    assert response.status_code == 200, response.status_code
    return ITEM_TITLE.findall(page(response))


def nav_drafts(response):
    """The number beside Dashboard in the navigation, or None when there is none."""
    found = re.search(r'Dashboard <span class="badge">(\d+)<', page(response))
    return int(found.group(1)) if found else None


def test_save_draft_lands_on_the_dashboard_with_the_draft(client, writer):
    response = client.submit("/new", article_form(title="Half written", button="save_draft"))
    assert response.headers["Location"] == "/dashboard?tab=drafts"
    landed = client.get(response.headers["Location"])
    assert "Your draft “Half written” is saved." in page(landed)
    assert titles(landed) == ["Half written"]
    assert '<span class="badge draft-badge">Draft</span>' in page(landed)
    assert 'href="/articles/half-written/edit"' in page(landed)
    assert nav_drafts(landed) == 1


def test_publishing_still_lands_on_the_article(client, writer):
    response = client.submit("/new", article_form(title="Out now"))
    assert response.headers["Location"] == "/articles/out-now"


def test_published_tab_shows_likes_comments_and_bookmarks(
    client, writer, make_member, make_article
):
    old = make_article(author=writer, title="Older one")
    set_published_at(old, utcnow() - timedelta(days=2))
    new = make_article(author=writer, title="Newer one")
    fans = [make_member(f"fan{n}") for n in range(3)]
    for fan in fans:
        reactions.like(fan, new)
        reactions.bookmark(fan, new)
    reactions.bookmark(fans[0], old)
    comments.add_comment(fans[1], new, "Nice one")
    make_article(author=fans[0], title="Not mine")

    response = client.get("/dashboard?tab=published")
    assert titles(response) == ["Newer one", "Older one"]
    assert STATS.findall(page(response)) == [("3", "1", "3"), ("0", "0", "1")]
    assert 'href="/articles/newer-one/edit"' in page(response)
    assert 'href="/articles/newer-one"' in page(response)
    assert nav_drafts(response) is None  # no drafts: no number


def test_drafts_tab_is_the_default_newest_saved_first_and_paginated(
    client, writer, make_article
):
    for n in range(1, 23):
        make_article(author=writer, title=f"Draft {n}", publish=False)
    make_article(author=writer, title="Published")

    first = client.get("/dashboard")
    assert titles(first)[:2] == ["Draft 22", "Draft 21"] and len(titles(first)) == 20
    assert 'rel="next" href="/dashboard?page=2&amp;tab=drafts"' in page(first)
    assert titles(client.get("/dashboard?page=2&tab=drafts")) == ["Draft 2", "Draft 1"]
    assert nav_drafts(first) == 22


def test_the_menu_counts_drafts_up_to_99_then_shows_99_plus(client, writer, make_article):
    """Counted as the bell is, up to one past the cap: a member who keeps hundreds of
    drafts pays for a hundred on every page, not for all of them."""
    for n in range(1, 100):
        make_article(author=writer, title=f"Draft {n}", publish=False)
    assert nav_drafts(client.get("/dashboard")) == 99

    make_article(author=writer, title="Draft 100", publish=False)
    make_article(author=writer, title="Draft 101", publish=False)
    html = page(client.get("/dashboard"))
    assert 'Dashboard <span class="badge">99+<span class="visually-hidden"> drafts' in html


def test_an_article_the_moderators_hid_is_marked_and_not_counted_as_a_draft(
    client, writer, make_member, make_article
):
    article = make_article(author=writer, title="Too spicy")
    moderation.hide(make_member("mia", role="moderator"), "article", article, "Off topic.")
    response = client.get("/dashboard")
    assert titles(response) == ["Too spicy"]
    assert "Hidden by the moderators</span> “Off topic.”" in page(response)
    assert nav_drafts(response) is None


def test_a_visitor_is_asked_to_log_in(client):
    assert client.get("/dashboard").headers["Location"].startswith("/auth/login")


def test_the_dashboard_is_mine_alone_and_kept_by_no_cache(
    client, make_member, make_article, auth
):
    make_article(author=make_member("other"), title="Theirs", publish=False)
    make_member("member1")
    auth.login()
    response = client.get("/dashboard")
    assert titles(response) == []
    assert "You have no drafts." in page(response)
    assert "no-store" in response.headers["Cache-Control"]


def test_settings_link_to_the_dashboard(client, writer):
    assert 'href="/dashboard">your dashboard</a>' in page(client.get("/settings"))


def test_each_tab_costs_the_same_for_1_or_20_articles(client, writer, make_member, make_article):
    fan = make_member("fan")

    def statements(tab):
        with count_queries() as queries:
            assert client.get(f"/dashboard?tab={tab}").status_code == 200
        return len(queries)

    for publish in (False, True):
        tab = "published" if publish else "drafts"
        article = make_article(author=writer, title="One", publish=publish)
        if publish:
            reactions.bookmark(fan, article)
        one = statements(tab)
        for n in range(19):
            article = make_article(author=writer, title=f"More {n}", publish=publish)
            if publish:
                reactions.bookmark(fan, article)
        assert statements(tab) == one, tab


def test_the_menu_s_draft_count_is_one_statement(client, writer, make_article):
    make_article(author=writer, title="A draft", publish=False)
    with count_queries() as queries:
        response = client.get("/")
    assert nav_drafts(response) == 1
    counting = [q for q in queries if "count(" in q.lower() and "hidden_at" in q]
    assert len(counting) == 1, counting
