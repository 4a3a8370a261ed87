"""Moderation in a real browser: a member reports a spam article, a moderator removes
the spammer in one action, the spammer's browser is logged out at once, and the admin
reads it in the log and undoes it.

The browser fixtures live in tests/fixtures/browser.py; the steps come from test_browser.py.
"""

import pytest
from playwright.sync_api import expect
from test_browser import flash, log_in, nav

from helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_a_report_leads_a_moderator_to_remove_a_spammer_in_one_action(
    live_server, new_page, make_member, make_article
):
    base = live_server.url
    with live_server.app.app_context():
        for name, role in (("reader", "member"), ("milo", "moderator"), ("dana", "admin")):
            make_member(name, role=role)
        spam = make_article(author=make_member("spammer"), title="Cheap watches here").slug

    spammer = new_page()
    spammer.goto(base + "/")
    log_in(spammer, "spammer", TEST_PASSWORD)
    expect(nav(spammer).get_by_text("@spammer", exact=True)).to_be_visible()

    # A member reports the article from its page.
    reader = new_page()
    reader.goto(base + "/")
    log_in(reader, "reader", TEST_PASSWORD)
    reader.goto(f"{base}/articles/{spam}")
    reader.get_by_role("link", name="Report").first.click()
    reader.get_by_label("Spam").check()
    reader.get_by_label("Anything the moderators should know? (optional)").fill("An advert")
    reader.get_by_role("button", name="Send report").click()
    expect(flash(reader, "The moderators will look at your report.")).to_be_visible()

    # The moderator finds it in the queue and removes the spammer in one action.
    mod = new_page()
    mod.goto(base + "/")
    log_in(mod, "milo", TEST_PASSWORD)
    nav(mod).get_by_role("link", name="Moderation").click()
    entry = mod.locator(".mod-entry", has_text="Cheap watches here")
    expect(entry).to_contain_text("1 report")
    expect(entry).to_contain_text("@reader: “An advert”")
    entry.get_by_role("link", name="Review and act").click()
    mod.get_by_role("link", name="@spammer").first.click()
    mod.get_by_role("link", name="Moderate").click()
    removal = mod.locator("form.mod-action", has_text="Remove as spam")
    removal.get_by_label("Reason (the member sees it)").fill("Selling watches.")
    removal.get_by_role("button", name="Remove as spam").click()
    expect(flash(mod, "Removed as spam")).to_be_visible()

    # Everything the spammer wrote is gone, and their browser is logged out.
    reader.goto(base + "/?tab=latest")
    expect(reader.get_by_role("heading", name="Latest")).to_be_visible()
    expect(reader.get_by_role("link", name="Cheap watches here")).to_have_count(0)
    spammer.reload()
    expect(nav(spammer).get_by_role("link", name="Log in")).to_be_visible()
    log_in(spammer, "spammer", TEST_PASSWORD)
    expect(spammer.get_by_text("banned by the moderators")).to_be_visible()
    expect(spammer.get_by_text("Selling watches.")).to_be_visible()

    # The admin reads the log and undoes it.
    admin = new_page()
    admin.goto(base + "/")
    log_in(admin, "dana", TEST_PASSWORD)
    admin.goto(base + "/mod/log")
    row = admin.locator("tr", has_text="remove spam")
    expect(row).to_contain_text("@milo")
    expect(row).to_contain_text("Selling watches.")
    row.get_by_role("button", name="Undo").click()
    expect(flash(admin, "Undone")).to_be_visible()
    reader.goto(base + "/?tab=latest")
    expect(reader.get_by_role("link", name="Cheap watches here")).to_be_visible()


def test_a_suspended_member_sees_why_and_until_when(
    live_server, new_page, make_member, make_article
):
    base = live_server.url
    with live_server.app.app_context():
        make_member("milo", role="moderator")
        loud_id = make_member("loud").id
        slug = make_article(title="Open for comments").slug
    mod = new_page()
    mod.goto(base + "/")
    log_in(mod, "milo", TEST_PASSWORD)
    mod.goto(f"{base}/mod/member/{loud_id}")
    suspension = mod.locator("form.mod-action", has_text="Suspend")
    suspension.get_by_label("Reason (the member sees it)").fill("Cooling off.")
    suspension.get_by_label("Until").fill("2099-01-31")
    suspension.get_by_role("button", name="Suspend").click()
    expect(flash(mod, "Suspended.")).to_be_visible()

    member = new_page()
    member.goto(base + "/")
    log_in(member, "loud", TEST_PASSWORD)
    banner = member.get_by_role("status").filter(has_text="suspended your account")
    expect(banner).to_contain_text("31 Jan 2099")
    expect(banner).to_contain_text("Cooling off.")
    member.goto(f"{base}/articles/{slug}")
    expect(member.get_by_text("Your account is suspended: you cannot comment")).to_be_visible()
