"""The editors in a real browser: the toolbar, Preview in place, drafts kept in the browser;
and, without JavaScript, the plain forms as before."""

import re

import pytest
from playwright.sync_api import expect
from test_browser import flash, log_in, log_out

from helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

DRAFT_KEY = "blog-draft:ada:new"
CODE = "\n\n```python\ndef greet():\n    return 1\n```\n"


def watch_problems(page):
    """Console errors (CSP violations are reported there too) and script errors."""
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def member_logged_in(new_page, live_server, make_member, **context_options):
    with live_server.app.app_context():
        make_member("ada")
    page = new_page(**context_options)
    problems = watch_problems(page)
    page.goto(live_server.url + "/")
    log_in(page, "ada", TEST_PASSWORD)
    return page, problems


def kept_draft(page):
    return page.evaluate(f"() => JSON.parse(localStorage.getItem({DRAFT_KEY!r}))")


def kept_draft_once_back(page):
    """The draft kept after a sent form's answer: once static/js/unsaved.js has read it.

    That script is deferred, so a flash message can be on screen before it has run.
    """
    page.wait_for_function("() => sessionStorage.getItem('blog-draft-saving') === null")
    return kept_draft(page)


def test_toolbar_preview_in_place_and_a_draft_restored_after_a_reload(
        new_page, live_server, make_member):
    page, problems = member_logged_in(new_page, live_server, make_member)
    page.goto(live_server.url + "/new")
    expect(page.get_by_text("Kept in this browser until you save or log out.")).to_be_visible()
    page.get_by_label("Title").fill("Kept safe")
    body = page.get_by_label("Body")
    body.fill("Hello ")
    body.press("End")
    page.get_by_role("toolbar", name="Formatting").get_by_role("button", name="Bold").click()
    page.keyboard.type("strong")  # over the selected "bold text"
    page.keyboard.press("End")
    page.keyboard.type(" and ")
    body.press("Control+i")
    page.keyboard.type("soft")
    page.keyboard.press("End")
    page.keyboard.type(CODE)
    expect(body).to_have_value("Hello **strong** and _soft_" + CODE)

    # One Preview: the tab; the button that reloads the page is for browsers without scripts.
    expect(page.get_by_role("button", name="Preview", exact=True)).to_be_hidden()
    page.get_by_role("tab", name="Preview").click()
    preview = page.locator("#body-preview")
    expect(preview.locator("strong")).to_have_text("strong")
    expect(preview.locator("em")).to_have_text("soft")
    expect(preview.locator(".hl-k").first).to_have_text("def")  # highlighted by the server
    expect(body).to_be_hidden()
    page.get_by_role("tab", name="Write").click()
    expect(body).to_be_visible()

    page.wait_for_function(f"() => localStorage.getItem({DRAFT_KEY!r}) !== null")
    # What is kept says so, with its time.
    expect(page.get_by_text(re.compile(r"^Kept in this browser at \d"))).to_be_visible()
    page.on("dialog", lambda dialog: dialog.accept())  # "Leave site?" (static/js/draft.js): yes
    page.reload()  # a closed tab, come back
    expect(page.get_by_label("Body")).to_have_value("")
    offer = page.get_by_role("status").filter(has_text="Restore the unsaved draft from")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Restore").click()
    expect(page.get_by_label("Title")).to_have_value("Kept safe")
    expect(page.get_by_label("Body")).to_have_value("Hello **strong** and _soft_" + CODE)

    # A refused save keeps the draft; a save that went through forgets it.
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Give your article a title.")).to_be_visible()
    assert kept_draft_once_back(page)["fields"]["body"] == "Hello **strong** and _soft_" + CODE
    page.get_by_label("Title").fill("Kept safe")
    page.get_by_role("button", name="Publish").click()
    expect(flash(page, "Your article is published.")).to_be_visible()
    assert kept_draft_once_back(page) is None
    page.goto(live_server.url + "/new")
    expect(page.get_by_label("Body")).to_have_value("")
    expect(page.get_by_text("Restore the unsaved draft from")).to_be_hidden()
    # No CSP violation, no script error: only the refused save's own 422.
    assert [p for p in problems if "status of 422" not in p] == []


def test_logging_out_forgets_the_drafts_kept_in_this_browser(new_page, live_server, make_member):
    page, problems = member_logged_in(new_page, live_server, make_member)
    page.goto(live_server.url + "/new")
    page.get_by_label("Body").fill("Words for nobody else.")
    page.wait_for_function(f"() => localStorage.getItem({DRAFT_KEY!r}) !== null")
    page.on("dialog", lambda dialog: dialog.accept())  # "Leave site?": yes
    log_out(page)
    assert kept_draft(page) is None
    assert problems == []


def test_a_comment_previews_in_place(new_page, live_server, make_member, make_article):
    with live_server.app.app_context():
        slug = make_article(author=make_member("bob"), title="Talk to me").slug
    page, problems = member_logged_in(new_page, live_server, make_member)
    page.goto(f"{live_server.url}/articles/{slug}")
    form = page.locator("form.comment-form").first
    form.get_by_label("Comment").fill("*so* `true` <script>alert(1)</script>")
    form.get_by_role("tab", name="Preview").click()
    preview = page.locator("#new-comment-preview")
    expect(preview.locator("em")).to_have_text("so")
    expect(preview.locator("code")).to_have_text("true")
    expect(preview).to_contain_text("<script>alert(1)</script>")  # as text
    form.get_by_role("tab", name="Write").click()
    form.get_by_role("button", name="Post comment").click()
    expect(flash(page, "Your comment is posted.")).to_be_visible()
    assert problems == []


def talk_with_two_threads(live_server, make_member, make_article):
    """An article with two threads (by carol, then dave): (slug, their comment ids)."""
    from blog.domain import comments

    with live_server.app.app_context():
        article = make_article(author=make_member("bob"), title="Talk to me")
        first = comments.add_comment(make_member("carol"), article, "Carol starts.")
        second = comments.add_comment(make_member("dave"), article, "Dave starts.")
        return article.slug, first.id, second.id


def test_reply_opens_the_one_reply_form_in_place_under_its_thread(
    new_page, live_server, make_member, make_article
):
    slug, first, second = talk_with_two_threads(live_server, make_member, make_article)
    page, problems = member_logged_in(new_page, live_server, make_member)
    address = f"{live_server.url}/articles/{slug}"
    page.goto(address)
    thread = page.locator("li.thread", has=page.locator(f"#comment-{second}"))
    # A double click opens it, as a click does (the second lands on the box's "Reply").
    thread.get_by_role("link", name="Reply").dblclick()
    box = thread.get_by_label("Your reply")
    expect(box).to_be_focused()
    assert page.url == address  # opened in place: no page was loaded
    other = page.locator("li.thread", has=page.locator(f"#comment-{first}"))
    expect(other.get_by_role("link", name="Reply")).to_be_visible()  # still closed
    box.fill("*Dave*, me too.")
    thread.get_by_role("tab", name="Preview").click()
    expect(thread.locator(f"#reply-{second}-body-preview em")).to_have_text("Dave")
    thread.get_by_role("tab", name="Write").click()
    thread.get_by_role("button", name="Post reply").click()
    expect(flash(page, "Your comment is posted.")).to_be_visible()
    replies = page.locator("li.thread", has=page.locator(f"#comment-{second}")).locator(
        "ol.replies")
    expect(replies).to_contain_text("Dave, me too.")
    assert problems == []


def test_without_javascript_reply_leads_to_the_thread_with_its_box_open(
    new_page, live_server, make_member, make_article
):
    slug, first, _ = talk_with_two_threads(live_server, make_member, make_article)
    page, _ = member_logged_in(new_page, live_server, make_member, java_script_enabled=False)
    page.goto(f"{live_server.url}/articles/{slug}")
    page.locator("li.thread", has=page.locator(f"#comment-{first}")).get_by_role(
        "link", name="Reply").click()
    expect(page).to_have_url(re.compile(rf"\?thread={first}#reply-{first}$"))
    expect(page.get_by_text("Dave starts.")).to_have_count(0)  # the thread alone
    page.get_by_label("Your reply").fill("Carol, agreed.")
    page.get_by_role("button", name="Post reply").click()
    expect(flash(page, "Your comment is posted.")).to_be_visible()
    expect(page.locator("ol.replies")).to_contain_text("Carol, agreed.")


def test_without_javascript_the_editor_is_the_plain_form(new_page, live_server, make_member):
    page, _ = member_logged_in(new_page, live_server, make_member, java_script_enabled=False)
    page.goto(live_server.url + "/new")
    expect(page.get_by_role("toolbar", name="Formatting")).to_be_hidden()
    expect(page.get_by_role("tab", name="Preview")).to_be_hidden()
    expect(page.get_by_text("Kept in this browser until you save or log out.")).to_be_hidden()
    page.get_by_label("Title").fill("No scripts")
    page.get_by_label("Body").fill("Plain *words*.")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("section", has=page.get_by_role("heading", name="Preview"))
    expect(preview.locator("em")).to_have_text("words")
    page.get_by_role("button", name="Publish").click()
    expect(flash(page, "Your article is published.")).to_be_visible()
