"""Muting in a real browser: the button changes in place, the feed forgets, Settings undoes it."""

import pytest
from playwright.sync_api import expect
from test_browser import log_in

from helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_mute_a_member_from_the_profile_and_unmute_in_settings(
        page, live_server, make_member, make_article):
    with live_server.app.app_context():
        make_article(author=make_member("ada", display_name="Ada"), title="Loud opinions")
        make_article(author=make_member("bob", display_name="Bob"), title="Quiet notes")
        make_member("carol")
    base = live_server.url
    page.goto(base + "/")
    log_in(page, "carol", TEST_PASSWORD)
    page.goto(base + "/?tab=latest")
    expect(page.get_by_role("link", name="Loud opinions")).to_be_visible()

    page.goto(base + "/@ada")
    mute = page.locator("form[data-state-key='muted'] button")
    with page.expect_response(lambda r: r.url.endswith("/@ada/mute")) as answer:
        mute.click()
    assert answer.value.status == 200
    expect(mute).to_have_text("Unmute")  # changed in place, no reload
    expect(mute).to_have_attribute("aria-pressed", "true")

    page.goto(base + "/?tab=latest")
    expect(page.get_by_role("link", name="Quiet notes")).to_be_visible()
    expect(page.get_by_role("link", name="Loud opinions")).to_have_count(0)

    page.goto(base + "/settings")
    muted = page.locator("section", has=page.get_by_role("heading", name="Muted"))
    expect(muted).to_contain_text("@ada")
    # The button flips at the click, before the server answers: wait for the answer, as a
    # reader whose next page must show the change would (leaving at once may cancel it).
    with page.expect_response(lambda r: r.url.endswith("/@ada/unmute")) as answer:
        muted.get_by_role("button", name="Unmute").click()
    assert answer.value.status == 200
    expect(muted.get_by_role("button", name="Mute", exact=True)).to_be_visible()
    page.goto(base + "/?tab=latest")
    expect(page.get_by_role("link", name="Loud opinions")).to_be_visible()
