"""Notifications in a real browser: bob replies to alice, alice's bell rings, she reads them
and marks them all read. The browser fixtures live in tests/fixtures/browser.py."""

import re

import pytest
from playwright.sync_api import expect
from test_browser import flash, log_in, nav

from helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def bell(page):
    return nav(page).get_by_role("link", name=re.compile("^Notifications"))


def test_a_reply_rings_the_bell_and_mark_all_read_quiets_it(
    new_page, live_server, make_member, make_article
):
    from blog.domain import comments

    base_url = live_server.url
    with live_server.app.app_context():
        alice = make_member(username="alice")
        make_member(username="bob")
        article = make_article(author=alice, title="Tea and tests")
        comments.add_comment(alice, article, "Ask me about tea.")  # her own: no notification
        slug = article.slug

    bob = new_page()
    bob.goto(base_url + "/")
    log_in(bob, "bob", TEST_PASSWORD)
    bob.goto(f"{base_url}/articles/{slug}")
    bob.get_by_role("link", name="Reply").first.click()  # opens the form in place
    bob.get_by_label("Your reply").fill("Which tea goes with tests?")
    bob.get_by_role("button", name="Post reply").click()
    expect(bob.get_by_text("Which tea goes with tests?")).to_be_visible()
    expect(bell(bob)).to_have_accessible_name("Notifications")  # bob was told nothing
    # A drawn bell, not an emoji some machines have no font for (an empty box there).
    expect(bell(bob).locator("svg.bell-icon")).to_be_visible()
    expect(bell(bob)).to_have_text("")

    alice_page = new_page()
    alice_page.goto(base_url + "/")
    log_in(alice_page, "alice", TEST_PASSWORD)
    expect(bell(alice_page)).to_have_accessible_name("Notifications, 1 unread")
    expect(bell(alice_page).locator(".bell-count")).to_have_text("1")
    bell(alice_page).click()
    expect(alice_page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    line = alice_page.get_by_role("link", name="@bob replied to your comment on “Tea and tests”")
    expect(line).to_be_visible()

    alice_page.get_by_role("button", name="Mark all read").click()
    expect(flash(alice_page, "All your notifications are marked read.")).to_be_visible()
    expect(bell(alice_page)).to_have_accessible_name("Notifications")
    expect(bell(alice_page).locator(".bell-count")).to_have_count(0)

    line.click()  # still listed, read now: it leads to the reply
    expect(alice_page).to_have_url(re.compile(rf"/articles/{slug}#comment-\d+$"))
    expect(alice_page.get_by_text("Which tea goes with tests?")).to_be_visible()
