"""Pictures in the editor, in a real browser: "Upload image" and a pasted picture insert
their Markdown where the cursor is, and a refused file is said beside the field."""

import base64
import re

import pytest
from playwright.sync_api import expect

from helpers import TEST_PASSWORD
from picture_helpers import picture

pytestmark = pytest.mark.browser


@pytest.fixture
def live_config(uploads_folder):
    return {"UPLOAD_FOLDER": str(uploads_folder)}


def log_in(page, url, login):
    page.goto(f"{url}/auth/login")
    page.get_by_label("Email or username").fill(login)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Write")).to_be_visible()


def test_the_editor_inserts_an_uploaded_picture_where_the_cursor_is(
        new_page, live_server, make_member):
    with live_server.app.app_context():
        make_member("ada")
    page = new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    refused = "the server responded with a status of 422"  # the refused file, below
    log_in(page, live_server.url, "ada")
    page.goto(f"{live_server.url}/new")
    body = page.get_by_role("textbox", name="Body")
    body.fill("First line.\nLast line.")
    body.evaluate("e => e.setSelectionRange(11, 11)")  # after "First line."

    page.get_by_label("Image to insert").set_input_files(files=[{
        "name": "chart.png", "mimeType": "image/png", "buffer": picture()}])
    page.get_by_role("button", name="Upload image").click()
    expect(body).to_have_value(
        re.compile(r"^First line\.\n\n!\[chart\]\(/media/[0-9a-f]{64}\.png\)\n"
                                 r"\nLast line\.$"))
    assert page.url.endswith("/new")  # fetch: the page stayed, nothing was posted

    page.get_by_label("Image to insert").set_input_files(files=[{
        "name": "notes.png", "mimeType": "image/png", "buffer": b"<html>not a picture"}])
    page.get_by_role("button", name="Upload image").click()
    expect(page.locator("#image-error")).to_have_text(
        "This file holds HTML or script code besides the picture, so it cannot be used: "
        "save the picture again from an image editor.")

    # A picture pasted on the body goes the same way.
    body.evaluate("e => e.setSelectionRange(e.value.length, e.value.length)")
    page.evaluate("""(b64) => {
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], "pasted.png", {type: "image/png"}));
        const body = document.querySelector("#body");
        body.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                        cancelable: true}));
    }""", base64.b64encode(picture(colour=(9, 9, 9))).decode())
    expect(body).to_have_value(re.compile(r"!\[pasted\]\(/media/[0-9a-f]{64}"))
    expect(page.locator("#image-error")).to_have_count(0)  # the error went with the success
    assert [text for text in problems if refused not in text] == []  # no CSP or script error


def test_the_toolbar_s_image_button_chooses_and_uploads_at_once(new_page, live_server,
                                                                 make_member):
    with live_server.app.app_context():
        make_member("ada")
    page = new_page()
    log_in(page, live_server.url, "ada")
    page.goto(f"{live_server.url}/new")
    body = page.get_by_role("textbox", name="Body")
    body.fill("Intro.")
    toolbar = page.get_by_role("toolbar", name="Formatting")
    with page.expect_file_chooser() as chooser:
        toolbar.get_by_role("button", name="Upload an image").click()
    chooser.value.set_files(files=[{"name": "sketch.png", "mimeType": "image/png",
                                    "buffer": picture(colour=(1, 2, 3))}])
    expect(body).to_have_value(re.compile(r"^Intro\.\n\n!\[sketch\]\(/media/[0-9a-f]{64}\.png\)$"))
