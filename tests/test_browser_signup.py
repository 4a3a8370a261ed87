"""Sign-up modes and site settings in a real browser: an admin names the site, writes its
About page and opens sign-ups by invitation only; a visitor without an invitation is
refused, the one with the link signs up, confirms by the email that reached the SMTP
server, and logs in.

The browser fixtures live in tests/fixtures/browser.py; the steps come from test_browser.py.
"""

import time

import pytest
from playwright.sync_api import expect
from test_browser import expect_logged_in_as, flash, log_in, log_out, nav

from helpers import TEST_PASSWORD, link_in

pytestmark = pytest.mark.browser
MAIL_WAIT_SECONDS = 15


@pytest.fixture
def live_config(smtp):
    """The live server mails through the loopback SMTP server, not the dev mailbox."""
    return {"MAIL_SERVER": smtp.hostname, "MAIL_PORT": smtp.port}


def email_to(mailbox, recipient, subject):
    deadline = time.monotonic() + MAIL_WAIT_SECONDS
    while time.monotonic() < deadline:
        found = [m for m in mailbox.to(recipient) if m["Subject"] == subject]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"No {subject!r} email to {recipient} within {MAIL_WAIT_SECONDS} s")


def test_an_admin_invites_and_the_invited_visitor_joins(live_server, new_page, make_member,
                                                        smtp):
    base = live_server.url
    with live_server.app.app_context():
        make_member("dana", role="admin")

    # The admin names the site, writes its About page and asks for invitations.
    admin = new_page()
    admin.goto(base + "/")
    log_in(admin, "dana", TEST_PASSWORD)
    nav(admin).get_by_role("link", name="Moderation").click()
    admin.get_by_role("link", name="Site settings").click()
    admin.get_by_label("Site name").fill("Makers")
    admin.get_by_label("About page (Markdown)").fill("We **build** things together.")
    admin.get_by_label("Code of Conduct (Markdown)").fill("Be kind.")
    admin.get_by_label("By invitation only").check()
    admin.get_by_role("button", name="Save settings").click()
    expect(flash(admin, "The site's settings are saved.")).to_be_visible()
    expect(nav(admin).get_by_role("link", name="Makers")).to_be_visible()

    # A visitor sees the new name and the About page, but cannot sign up uninvited.
    stranger = new_page()
    stranger.goto(base + "/")
    expect(stranger).to_have_title("Makers")
    stranger.get_by_role("contentinfo").get_by_role("link", name="About").click()
    expect(stranger.locator("strong", has_text="build")).to_be_visible()
    nav(stranger).get_by_role("link", name="Sign up").click()
    expect(stranger.get_by_text("open by invitation only")).to_be_visible()
    expect(stranger.get_by_label("Email")).to_have_count(0)

    # The admin makes an invitation link.
    admin.get_by_role("link", name="Invitations").click()
    admin.get_by_role("button", name="Create an invitation link").click()
    link = admin.get_by_label("Invitation link").input_value()
    assert link.startswith("http://") and "/auth/register?invite=" in link
    invite_path = link[link.index("/auth/"):]

    # The invited visitor signs up with it, confirms the address and logs in.
    guest = new_page()
    guest.goto(base + invite_path)
    expect(guest.get_by_role("link", name="Code of Conduct").first).to_be_visible()
    guest.get_by_label("Email").fill("ada@example.com")
    guest.get_by_label("Username").fill("ada")
    guest.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    guest.get_by_label("Confirm password").fill(TEST_PASSWORD)
    guest.get_by_role("button", name="Sign up").click()
    expect(guest.get_by_role("heading", name="Check your email")).to_be_visible()

    message = email_to(smtp.mailbox, "ada@example.com", "Confirm your email address")
    assert "Welcome to Makers!" in message.get_body(("plain",)).get_content()
    verify = link_in(message, "/auth/verify/")
    guest.goto(base + verify[verify.index("/auth/"):])
    guest.get_by_role("button", name="Confirm my email").click()
    expect(flash(guest, "your email is confirmed and you are logged in")).to_be_visible()
    log_out(guest)
    log_in(guest, "ada", TEST_PASSWORD)
    expect(flash(guest, "Welcome back")).to_be_visible()
    expect_logged_in_as(guest, "ada")

    # The link is spent: the admin's list says who used it, and it works no more.
    admin.goto(base + "/settings/invites")
    expect(admin.locator(".invite-status").first).to_contain_text("used by @ada")
    again = new_page()
    again.goto(base + invite_path)
    expect(again.get_by_text("This invitation link cannot be used")).to_be_visible()
