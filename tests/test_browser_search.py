"""Search in a real browser: a visitor types into the navigation's box, on a desktop and
on a phone, and lands on highlighted results; the tabs switch to members."""

import pytest
from playwright.sync_api import expect
from test_browser import nav, open_menu

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}}


@pytest.fixture
def kitchen(live_server, make_member, make_article):
    with live_server.app.app_context():
        cook = make_member("cook", display_name="Julia Cook")
        make_article(author=cook, title="Braising greens",
                     body="Slow braising makes collard greens tender.", tags="food")
        make_article(author=cook, title="Knife skills", body="Keep the blade sharp.")


def search_from_the_navigation(page, base_url, words):
    page.goto(base_url + "/")
    open_menu(page)  # on a phone the box is behind the Menu button
    box = nav(page).get_by_role("searchbox", name="Search")
    expect(box).to_be_visible()
    box.fill(words)
    box.press("Enter")


def test_a_visitor_searches_from_the_navigation(new_page, live_server, kitchen):
    page = new_page()
    search_from_the_navigation(page, live_server.url, "collard")
    expect(page).to_have_url(live_server.url + "/search?q=collard")
    result = page.get_by_role("article")
    expect(result).to_have_count(1)
    expect(result.get_by_role("link", name="Braising greens")).to_be_visible()
    expect(result.locator("mark")).to_have_text("collard")
    page.get_by_role("navigation", name="Search in").get_by_role("link", name="Members").click()
    expect(page.get_by_text("No members found")).to_be_visible()
    page.get_by_role("searchbox", name="Search for").fill("jul")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Julia Cook")).to_be_visible()


def test_the_search_box_fits_a_phone(new_page, live_server, kitchen):
    page = new_page(**PHONE)
    search_from_the_navigation(page, live_server.url, '"sharp" -collard')
    expect(page.get_by_role("link", name="Knife skills")).to_be_visible()
    open_menu(page)
    box = nav(page).get_by_role("searchbox", name="Search").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
