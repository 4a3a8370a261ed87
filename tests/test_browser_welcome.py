"""A new member in a real browser: signs up, confirms, follows a tag on /welcome, reads it.

The Follow button is the one tag pages use (static/js/buttons.js switches it
in place); "Go to my feed" then shows the tag's article under Following. The
steps and browser fixtures come from test_browser.py and tests/fixtures/browser.py.
"""

import pytest
from playwright.sync_api import expect
from test_browser import PHONE, flash, follow_link_in_email, log_in, nav, open_latest_email

from helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_a_new_member_follows_a_tag_on_the_welcome_page_and_reads_it(
    page, live_server, make_member, make_article
):
    base_url = live_server.url
    with live_server.app.app_context():
        author = make_member(username="author")
        make_article(author=author, title="Ownership in practice", tags="rust")
        make_article(author=author, title="Snakes all the way", tags="python")

    page.goto(base_url + "/")
    nav(page).get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Confirm password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    open_latest_email(page, base_url, "Confirm your email address", "ada@example.com")
    follow_link_in_email(page, base_url, "/auth/verify/")
    page.get_by_role("button", name="Confirm my email").click()

    expect(page.get_by_role("heading", name="Welcome, ada")).to_be_visible()
    expect(flash(page, "your email is confirmed")).to_be_visible()
    tags = page.get_by_role("region", name="Popular tags")
    rust = tags.get_by_role("listitem").filter(has_text="#rust")
    rust.get_by_role("button", name="Follow").click()
    expect(rust.get_by_role("button", name="Unfollow")).to_be_visible()
    members = page.get_by_role("region", name="Members who published lately")
    expect(members.get_by_text("@author")).to_be_visible()

    page.get_by_role("link", name="Go to my feed").click()
    expect(page.get_by_role("link", name="Ownership in practice")).to_be_visible()
    expect(page.get_by_role("link", name="Snakes all the way")).to_have_count(0)


@pytest.mark.parametrize("path", ["/tags", "/welcome", "/dashboard"])
def test_the_new_pages_keep_the_csp_and_fit_a_phone(
    new_page, live_server, make_member, make_article, path
):
    username = "phone_reader_with_a_long_name"
    with live_server.app.app_context():
        member = make_member(username=username)
        make_article(author=make_member(username="author"), tags="rust python-is-long")
        make_article(author=member, title="A draft", publish=False)
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    if path != "/tags":
        page.goto(live_server.url + "/")
        log_in(page, username, TEST_PASSWORD)
    assert page.goto(live_server.url + path).ok
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert not [line for line in console if "Content Security Policy" in line
                or "Refused to" in line], console
    widths = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, screen: window.innerWidth})"
    )
    assert widths["page"] <= widths["screen"], (path, widths)
