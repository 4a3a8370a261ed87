"""Your data in a real browser: export from Settings, download from the emailed link, import back.

The export is built by the live server's export worker and its email read in
the dev mailbox; the zip the browser saves is then uploaded in the import
form of the same page, and comes back as drafts.
"""

import zipfile

import pytest
from playwright.sync_api import expect
from test_browser import flash, log_in, nav, open_latest_email

from helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def live_config(tmp_path):
    return {"EXPORT_FOLDER": str(tmp_path / "exports")}


def test_export_download_and_import_back_as_drafts(
        page, live_server, make_member, make_article, tmp_path):
    base_url = live_server.url
    with live_server.app.app_context():
        ada = make_member("ada")
        make_article(author=ada, title="Engines of the past", body="They *computed*.",
                     tags="history")
        make_article(author=ada, title="Notes in progress", body="Not yet.", publish=False)

    page.goto(base_url + "/")
    log_in(page, "ada", TEST_PASSWORD)
    nav(page).get_by_role("link", name="Settings").click()
    data = page.locator("section", has=page.get_by_role("heading", name="Your data"))
    data.get_by_role("button", name="Export my data").click()
    expect(flash(page, "We are putting your data together.")).to_be_visible()

    open_latest_email(page, base_url, "Your data is ready to download", "ada@example.com")
    with page.expect_download() as download_info:
        page.locator(f'a[href^="{base_url}/settings/data/export/"]').first.click()
    download = download_info.value
    assert download.suggested_filename.startswith("blog-ada-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
    assert "articles/engines-of-the-past.md" in names
    assert "articles/notes-in-progress.md" in names

    page.goto(base_url + "/settings")
    data.get_by_label("Markdown files").set_input_files(saved)
    data.get_by_role("button", name="Import as drafts").click()
    expect(flash(page, "Imported 2 drafts")).to_be_visible()
    drafts = data.locator("ul.drafts")
    expect(drafts.get_by_role("link", name="Engines of the past")).to_be_visible()
    drafts.get_by_role("link", name="Engines of the past").click()
    expect(page.get_by_role("heading", level=1, name="Engines of the past")).to_be_visible()
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
