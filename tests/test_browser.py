"""The account pages in a real browser: Debian's chromium, driven by Playwright.

Each test uses the site the way a person would, against the app served by
waitress (the `live_server` fixture): it finds fields by their labels and
buttons and links by their text, reads email in the dev mailbox (/dev/mail) and
follows its links, and checks what is on the screen (headings, flash messages,
the nav). The last test opens the public pages on a phone-size screen and checks
that the Content Security Policy blocks nothing and that nothing scrolls sideways.

Playwright cannot download its own browser here, so these tests launch
/usr/bin/chromium; without it they fail rather than skip.
"""

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

MAIL_WAIT_SECONDS = 10  # the mail worker polls every 0.5 s
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
NEW_PASSWORD = "a brand new staple battery"
BAD_LOGIN = "Incorrect email, username or password."


# --- steps a person takes ----------------------------------------------------------------


def nav(page):
    return page.get_by_role("navigation", name="Main")


def flash(page, text):
    """The flash message containing `text`."""
    return page.get_by_role("status").filter(has_text=text)


def expect_logged_in_as(page, username):
    expect(nav(page).get_by_text(f"@{username}", exact=True)).to_be_visible()
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()


def expect_logged_out(page):
    expect(nav(page).get_by_role("link", name="Log in")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Sign up")).to_be_visible()
    expect(nav(page).get_by_role("button", name="Log out")).to_have_count(0)


def open_menu(page):
    """On a phone the links sit behind the nav's Menu button: open it (elsewhere, nothing)."""
    # nav.js (deferred) shows the button: until it has run, the button looks absent,
    # and on a busy machine the links were folded away just after this looked.
    page.wait_for_load_state("domcontentloaded")
    toggle = nav(page).locator(".nav-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def log_in(page, login, password):
    """Log in from the nav's "Log in" link."""
    open_menu(page)
    nav(page).get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Email or username").fill(login)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page):
    open_menu(page)
    nav(page).get_by_role("button", name="Log out").click()
    expect(flash(page, "You are logged out.")).to_be_visible()


def open_latest_email(page, base_url, subject, recipient):
    """Open the newest email with `subject` to `recipient` in the dev mailbox.

    The outbox is read as the page loads, so reload until the email is listed,
    for at most MAIL_WAIT_SECONDS.
    """
    if not page.url.startswith(base_url):
        page.goto(base_url + "/")
    nav(page).get_by_role("link", name="Dev mailbox").click()
    expect(page.get_by_role("heading", name="Dev mailbox")).to_be_visible()
    email_rows = (
        page.get_by_role("row")
        .filter(has_text=recipient)
        .filter(has=page.get_by_role("link", name=subject, exact=True))
    )
    deadline = time.monotonic() + MAIL_WAIT_SECONDS
    while email_rows.count() == 0:
        assert time.monotonic() < deadline, (
            f"No {subject!r} email to {recipient} in the dev mailbox after "
            f"{MAIL_WAIT_SECONDS} s; it shows:\n{page.locator('main').inner_text()}"
        )
        page.wait_for_timeout(250)
        page.reload()
    email_rows.first.get_by_role("link", name=subject, exact=True).click()
    expect(page.get_by_role("heading", name=subject)).to_be_visible()
    expect(page.get_by_text(f"To {recipient}")).to_be_visible()


def follow_link_in_email(page, base_url, path):
    """Click the link in the open email that goes to `base_url` + `path` (its text is the URL)."""
    page.get_by_role("link", name=base_url + path).click()


# --- the tests --------------------------------------------------------------------------


def test_sign_up_confirm_log_out_and_log_in_again(page, live_server):
    base_url = live_server.url
    email, username = "ada@example.com", "ada"

    page.goto(base_url + "/")
    expect_logged_out(page)
    nav(page).get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Confirm password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text(f"We sent a link to {email}")).to_be_visible()
    expect_logged_out(page)  # not until the address is confirmed

    open_latest_email(page, base_url, "Confirm your email address", email)
    follow_link_in_email(page, base_url, "/auth/verify/")
    expect(page.get_by_text(email)).to_be_visible()  # the page says what it confirms
    expect_logged_out(page)  # opening the link did nothing yet
    page.get_by_role("button", name="Confirm my email").click()
    expect(flash(page, "your email is confirmed and you are logged in")).to_be_visible()
    expect_logged_in_as(page, username)

    log_out(page)
    expect_logged_out(page)

    log_in(page, username, TEST_PASSWORD)
    expect(flash(page, "Welcome back")).to_be_visible()
    expect_logged_in_as(page, username)


def test_forgotten_password_reset_in_the_browser(page, live_server, make_member):
    base_url = live_server.url
    with live_server.app.app_context():
        member = make_member(username="grace")
        email, username = member.email, member.username

    page.goto(base_url + "/")
    nav(page).get_by_role("link", name="Log in").click()
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send reset link").click()
    expect(flash(page, f"If an account uses {email}, we sent it a link")).to_be_visible()

    open_latest_email(page, base_url, "Reset your password", email)
    follow_link_in_email(page, base_url, "/auth/reset/")
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(flash(page, "Your password is changed and you are logged in.")).to_be_visible()
    expect_logged_in_as(page, username)

    log_out(page)

    log_in(page, username, TEST_PASSWORD)
    expect(page.get_by_text(BAD_LOGIN)).to_be_visible()
    expect_logged_out(page)

    log_in(page, email, NEW_PASSWORD)
    expect(flash(page, "Welcome back")).to_be_visible()
    expect_logged_in_as(page, username)


@pytest.mark.parametrize("path", ["/", "/auth/register", "/auth/login"])
def test_pages_have_no_csp_violations_and_work_on_a_phone(new_page, live_server, path):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))

    response = page.goto(live_server.url + path)
    assert response.ok, f"{path} answered {response.status}"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(nav(page)).to_be_visible()

    if path == "/auth/register":  # for humans to look at; not asserted
        ARTIFACTS.mkdir(exist_ok=True)  # written whole, then renamed: two runs may race
        drawn = ARTIFACTS / f"register-phone.{os.getpid()}.png"
        page.screenshot(path=str(drawn), full_page=True)
        os.replace(drawn, ARTIFACTS / "register-phone.png")

    blocked = [
        line for line in console
        if "Content Security Policy" in line or "Refused to" in line
    ]
    assert not blocked, f"{path} broke the Content Security Policy:\n" + "\n".join(blocked)

    widths = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, screen: window.innerWidth})"
    )
    assert widths["page"] <= widths["screen"], (
        f"{path} scrolls sideways on a {PHONE['width']} px wide phone: "
        f"the page is {widths['page']} px wide"
    )
