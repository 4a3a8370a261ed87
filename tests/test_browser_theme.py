"""Dark mode and focus rings in a real browser: the site follows the system's colour scheme,
and the keyboard's place is always ringed."""

import re

import pytest
from playwright.sync_api import expect
from test_dark_mode import contrast

pytestmark = pytest.mark.browser


def colour_of(locator, prop):
    """A computed colour (rgb(r, g, b)) as #rrggbb."""
    value = locator.evaluate(f"e => getComputedStyle(e).{prop}")
    r, g, b = (int(n) for n in re.findall(r"\d+", value)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def test_dark_mode_follows_the_system_and_keeps_text_readable(
        new_page, live_server, make_member, make_article):
    with live_server.app.app_context():
        make_article(author=make_member("ada"), title="Night reading", description="Dim lights.")
    page = new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.emulate_media(color_scheme="dark")
    page.goto(live_server.url + "/")
    card = page.locator(".article-card").first
    expect(card).to_contain_text("Night reading")
    body = page.locator("body")
    assert colour_of(body, "backgroundColor") == "#0c0a09"
    pairs = {
        "text": (colour_of(body, "color"), colour_of(body, "backgroundColor")),
        "title": (colour_of(card.locator(".card-title a"), "color"),
                  colour_of(card, "backgroundColor")),
        "muted": (colour_of(card.locator(".card-description"), "color"),
                  colour_of(card, "backgroundColor")),
        "link": (colour_of(page.locator(".site-footer a").first, "color"),
                 colour_of(body, "backgroundColor")),
    }
    poor = {name: contrast(*pair) for name, pair in pairs.items() if contrast(*pair) < 4.5}
    assert not poor, poor

    page.emulate_media(color_scheme="light")
    assert colour_of(body, "backgroundColor") == "#f5f5f4"
    assert problems == []


def test_the_keyboard_focus_has_a_visible_ring(new_page, live_server):
    page = new_page()
    page.emulate_media(color_scheme="dark")
    page.goto(live_server.url + "/")
    seen = []
    for _ in range(4):  # the skip link, the brand, the search box, the first nav link
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        style = focused.evaluate(
            "e => [e.tagName, getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]")
        seen.append(style)
        assert colour_of(focused, "outlineColor") == "#a5b4fc"
    assert {tag for tag, *_ in seen} >= {"A", "INPUT"}
    assert all(outline == ["solid", "3px"] for _, *outline in seen), seen
