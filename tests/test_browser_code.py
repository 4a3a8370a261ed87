"""Code blocks in a real browser: coloured by the stylesheet, copied by their button."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BODY = '```python\ndef greet(name):\n    return f"Hi {name}"\n```\n\nAnd plain `inline` code.\n'


def test_a_code_block_is_coloured_and_its_copy_button_copies_it(
        new_page, live_server, make_member, make_article):
    with live_server.app.app_context():
        slug = make_article(author=make_member("ada"), title="Greeting", body=BODY).slug
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/articles/{slug}")

    keyword = page.locator(".article-body pre .hl-k").first
    expect(keyword).to_have_text("def")
    plain = page.locator(".article-body pre code")
    colour = keyword.evaluate("e => getComputedStyle(e).color")
    assert colour != plain.evaluate("e => getComputedStyle(e).color")  # the stylesheet applied

    copy = page.locator(".article-body pre").get_by_role("button", name="Copy this code")
    expect(copy).to_have_count(1)
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == (
        'def greet(name):\n    return f"Hi {name}"\n')
    assert problems == []  # no CSP violation, no script error
