"""The community in a real browser: write, comment, like, follow, with and without JavaScript.

One member writes an article with a code block; a second member comments,
likes it (the count changes without a page reload), follows the author and
finds the article under Following. The same like is then done with
JavaScript switched off, where the plain form posts and comes back. A follower
count past its cap ("10,000+") keeps its label through a click.
The browser fixtures live in tests/fixtures/browser.py; the steps come from test_browser.py.
"""

import re

import pytest
from playwright.sync_api import expect
from test_browser import flash, log_in, nav

from helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

CODE_BODY = """A tiny script that greets you:

```python
def greet(name):
    return f"Hello, {name}!"
```

That is all.
"""


def members(live_server, make_member, *usernames):
    with live_server.app.app_context():
        for username in usernames:
            make_member(username=username, display_name=username.title())


def article_by_author(live_server, make_member, make_article, title):
    """A published article by a new member "author"; returns its slug."""
    with live_server.app.app_context():
        return make_article(author=make_member(username="author"), title=title).slug


def log_in_here(page, login):
    """Fill in the login page the browser was sent to."""
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Email or username").fill(login)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def write_article(page, base_url, title):
    """Write an article in the editor, preview it, and publish it."""
    page.goto(base_url + "/")
    nav(page).get_by_role("link", name="Write", exact=True).click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Tags").fill("python")
    page.get_by_label("Body").fill(CODE_BODY)
    page.get_by_role("tab", name="Preview").click()  # in place, from POST /preview
    preview = page.locator("#body-preview")
    expect(preview.locator("pre code")).to_contain_text('return f"Hello, {name}!"')
    page.get_by_role("tab", name="Write").click()
    page.get_by_role("button", name="Publish").click()
    expect(flash(page, "Your article is published.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(page.locator(".article-body pre code")).to_contain_text("def greet(name):")


def like_button(page):
    return page.locator(".article-reactions").get_by_role("button", name="Like")


def unlike_button(page):
    return page.locator(".article-reactions").get_by_role("button", name="Unlike")


def test_write_comment_like_follow_and_read_under_following(new_page, live_server, make_member):
    base_url = live_server.url
    members(live_server, make_member, "writer", "reader")
    title = "Greeting people in Python"

    writer = new_page()
    writer.goto(base_url + "/")
    log_in(writer, "writer", TEST_PASSWORD)
    write_article(writer, base_url, title)

    reader = new_page()
    reader.goto(base_url + "/")
    log_in(reader, "reader", TEST_PASSWORD)
    reader.get_by_role("link", name="Latest").click()
    reader.get_by_role("link", name=title).click()
    expect(reader.get_by_role("heading", level=1, name=title)).to_be_visible()

    reader.get_by_label("Comment", exact=True).fill("Nice, **thanks**!")
    reader.get_by_role("button", name="Post comment").click()
    comment = reader.locator("[id^=comment-]").filter(has_text="Nice, thanks!")
    expect(comment.locator("strong")).to_have_text("thanks")

    # A mark on the window survives only if the page is not reloaded.
    reader.evaluate("() => { window.notReloaded = true; }")
    with reader.expect_response(lambda r: r.url.endswith("/like") and r.ok):
        like_button(reader).click()
    expect(unlike_button(reader)).to_contain_text("1")
    assert reader.evaluate("() => window.notReloaded === true")
    reader.reload()
    expect(unlike_button(reader)).to_contain_text("1")

    reader.locator(".article-meta").get_by_role("link", name="Writer").click()
    expect(reader.get_by_role("heading", level=1, name="Writer")).to_be_visible()
    # The script shows "Unfollow" at once; wait for the server's answer before
    # leaving the page, as leaving would cancel the request.
    with reader.expect_response(lambda r: r.url.endswith("/follow") and r.ok):
        reader.get_by_role("button", name="Follow").click()
    expect(reader.get_by_role("button", name="Unfollow")).to_be_visible()

    reader.goto(base_url + "/?tab=following")
    expect(reader.get_by_role("link", name=title)).to_be_visible()

    # The writer sees the comment and the like on their article.
    writer.reload()
    expect(writer.get_by_text("Nice, thanks!")).to_be_visible()
    expect(unlike_button(writer).or_(like_button(writer))).to_contain_text("1")


def test_like_without_javascript_posts_the_form_and_comes_back(
    new_page, live_server, make_member, make_article
):
    base_url = live_server.url
    members(live_server, make_member, "nojs")
    slug = article_by_author(live_server, make_member, make_article, "Plain forms")

    page = new_page(java_script_enabled=False)
    page.goto(f"{base_url}/articles/{slug}")
    like_button(page).click()
    # Without a session the form leads to the login page and back to the article.
    log_in_here(page, "nojs")
    expect(page).to_have_url(f"{base_url}/articles/{slug}")

    like_button(page).click()
    expect(page).to_have_url(f"{base_url}/articles/{slug}")
    expect(unlike_button(page)).to_contain_text("1")
    page.locator(".article-reactions").get_by_role("button", name="Bookmark").click()
    expect(page.get_by_role("button", name="Unbookmark")).to_be_visible()
    unlike_button(page).click()
    expect(like_button(page)).to_contain_text("0")


def test_visitor_clicking_like_with_javascript_logs_in_and_comes_back(
    new_page, live_server, make_member, make_article
):
    base_url = live_server.url
    members(live_server, make_member, "visitor")
    slug = article_by_author(live_server, make_member, make_article, "Come back")

    page = new_page()
    page.goto(f"{base_url}/articles/{slug}")
    like_button(page).click()
    log_in_here(page, "visitor")
    expect(page).to_have_url(f"{base_url}/articles/{slug}")
    like_button(page).click()
    expect(unlike_button(page)).to_contain_text("1")


def test_a_refused_like_restores_the_button_and_says_why(
    new_page, live_server, make_member, make_article
):
    base_url = live_server.url
    slug = article_by_author(live_server, make_member, make_article, "Not yet")
    with live_server.app.app_context():
        make_member(username="pending", verified=False)

    page = new_page()
    page.goto(f"{base_url}/articles/{slug}")
    log_in(page, "pending", TEST_PASSWORD)
    page.goto(f"{base_url}/articles/{slug}")
    like_button(page).click()
    expect(page.get_by_role("alert")).to_contain_text("confirm your email address")
    expect(like_button(page)).to_contain_text("0")


def test_a_follower_count_past_the_cap_stays_its_label_when_clicked(
    new_page, live_server, make_member, monkeypatch
):
    from blog.domain import accounts, follows

    monkeypatch.setattr(follows, "COUNTED_AT_MOST", 2)  # "2+" past two followers
    members(live_server, make_member, "star", "reader", "fan0", "fan1", "fan2")
    with live_server.app.app_context():
        star = accounts.find_by_username("star")
        for n in range(3):
            follows.follow(accounts.find_by_username(f"fan{n}"), star)
    page = new_page()
    page.goto(live_server.url + "/")
    log_in(page, "reader", TEST_PASSWORD)
    page.goto(live_server.url + "/@star")
    expect(page.get_by_role("button", name=re.compile("^Follow"))).to_contain_text("2+")
    # Every text the count takes, from the click to the server's answer: the script
    # cannot add one to "2+", so it must not guess a number.
    page.evaluate("""() => {
        const count = document.querySelector('[data-state-key="following"] .toggle-count');
        window.shown = [];
        new MutationObserver(() => window.shown.push(count.textContent))
            .observe(count, {childList: true, characterData: true, subtree: true});
    }""")
    with page.expect_response(lambda r: r.url.endswith("/follow") and r.ok):
        page.get_by_role("button", name=re.compile("^Follow")).click()
    expect(page.get_by_role("button", name=re.compile("^Unfollow"))).to_contain_text("2+")
    assert set(page.evaluate("() => window.shown")) <= {"2+"}
