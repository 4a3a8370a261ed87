"""A saved draft keeps itself while its author types, in chromium (static/js/draft.js).

The member edits a draft, stops typing, and the line under the buttons says
"Draft saved at …"; the words are then on the server (a reload shows them).
Leaving with changes no save has kept asks first; pressing Save never does.
"""

import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from test_browser import log_in

from blog.extensions import db
from blog.models import Article
from helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_a_draft_saves_itself_and_leaving_with_changes_asks(
        new_page, live_server, make_member, make_article):
    with live_server.app.app_context():
        author = make_member("member1")
        draft = make_article(author=author, title="Notes", body="First line.", publish=False)
        slug, draft_id = draft.slug, draft.id
    page = new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/")
    log_in(page, "member1", TEST_PASSWORD)
    page.goto(f"{live_server.url}/articles/{slug}/edit")

    body = page.get_by_label("Body")
    body.fill("First line.\n\nA second thought, typed and left alone.")
    status = page.locator(".autosave-status")
    expect(status).to_have_text(re.compile(r"^Draft saved at \d"), timeout=10_000)
    with live_server.app.app_context():
        assert db.session.get(Article, draft_id).body.endswith("typed and left alone.")
    page.reload()
    expect(page.get_by_label("Body")).to_have_value(re.compile("typed and left alone"))

    # A change no save has kept yet: leaving asks first.
    page.get_by_label("Body").fill("Something not saved yet.")
    questions = []

    def answer(dialog):
        questions.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    with pytest.raises(PlaywrightError, match="ERR_ABORTED"):  # the member chose to stay
        page.goto(live_server.url + "/", wait_until="commit")
    assert questions == ["beforeunload"]
    assert "/edit" in page.url

    # Pressing a button of the form is not asked about.
    page.remove_listener("dialog", answer)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("is saved")).to_be_visible()
    assert errors == []
