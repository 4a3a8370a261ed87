"""The header on a phone: one row with a Menu button; on a wide screen, every link in sight."""

import pytest
from playwright.sync_api import expect

from helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_member_s_header_is_one_row_and_the_menu_opens(
        new_page, live_server, make_member):
    with live_server.app.app_context():
        make_member("carol_with_a_long_name", display_name="Carol")
    page = new_page(viewport=PHONE)
    page.goto(live_server.url + "/auth/login")
    page.get_by_label("Email or username").fill("carol_with_a_long_name")
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".nav-toggle")).to_be_visible()

    nav = page.locator("nav.nav")
    brand = page.locator(".brand").bounding_box()
    toggle = page.locator(".nav-toggle").bounding_box()
    assert abs(brand["y"] - toggle["y"]) < 12  # side by side
    assert nav.bounding_box()["height"] < 70  # one row (three rows was ~140 px)
    settings = page.get_by_role("link", name="Settings")
    expect(settings).to_be_hidden()

    page.locator(".nav-toggle").click()
    expect(page.locator(".nav-toggle")).to_have_attribute("aria-expanded", "true")
    expect(settings).to_be_visible()
    settings.click()
    expect(page.get_by_role("heading", name="Profile")).to_be_visible()


def test_on_a_wide_screen_the_links_show_and_the_button_does_not(new_page, live_server):
    page = new_page(viewport={"width": 1200, "height": 800})
    page.goto(live_server.url + "/")
    expect(page.locator(".nav-toggle")).to_be_hidden()
    expect(page.locator("nav.nav").get_by_role("link", name="Log in")).to_be_visible()


def test_without_javascript_every_link_stays_reachable_on_a_phone(new_page, live_server):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto(live_server.url + "/")
    expect(page.locator(".nav-toggle")).to_be_hidden()
    expect(page.locator("nav.nav").get_by_role("link", name="Log in")).to_be_visible()
