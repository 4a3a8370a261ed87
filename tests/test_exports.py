"""Take your data with you: the export zip, built in the background, and its emailed link."""

import io
import json
import threading
import zipfile

import pytest

from blog.domain import comments, exports, follows, mutes, reactions
from blog.domain.export_contents import export_files
from blog.domain.front_matter import split
from blog.extensions import db
from blog.models import Tag, utcnow
from helpers import (
    TEST_PASSWORD,
    FormClient,
    count_queries,
    link_in,
    page,
    path_of,
    wait_for_email,
)

SUBJECT = "Your data is ready to download"


@pytest.fixture
def app(make_app, smtp, tmp_path):
    """The app with real SMTP, keeping exports in this test's own folder."""
    app = make_app(MAIL_SERVER=smtp.hostname, MAIL_PORT=smtp.port,
                   EXPORT_FOLDER=str(tmp_path / "exports"))
    with app.app_context():
        yield app


@pytest.fixture
def community(make_member, make_article):
    """ada, who wrote, commented, liked, bookmarked and followed; bob, who did too."""
    ada = make_member("ada", display_name="Ada L.", bio="Counts things.")
    bob = make_member("bob")
    bobs = make_article(author=bob, title="Bob's secret-free post", body="Bob's own words.",
                        tags="python")
    make_article(author=bob, title="Bob's draft", body="Bob's unpublished words.", publish=False)
    published = make_article(author=ada, title='Notes: on "engines"', description="A first look",
                             body="# Engines\n\nThey *compute*.\n", tags="math, history")
    draft = make_article(author=ada, title="Half done", body="To be continued", publish=False)
    first = comments.add_comment(ada, bobs, "Nice post, Bob.")
    comments.add_comment(ada, bobs, "And a reply.", parent_id=first.id)
    gone = comments.add_comment(ada, bobs, "Said in haste.")
    comments.delete_comment(gone, ada)
    comments.add_comment(bob, published, "Bob's comment on Ada's post.")
    reactions.like(ada, bobs)
    reactions.bookmark(ada, bobs)
    reactions.like(bob, published)
    reactions.bookmark(bob, published)
    follows.follow(ada, bob)
    follows.follow(bob, ada)
    follows.follow_tag(ada, db.session.scalar(db.select(Tag).where(Tag.name == "python")))
    mutes.mute(ada, make_member("carl"))
    mutes.mute_tag(ada, db.session.scalar(db.select(Tag).where(Tag.name == "history")))
    return {"ada": ada, "bob": bob, "published": published, "draft": draft, "bobs": bobs}


def logged_in(app, username):
    client = FormClient(app.test_client())
    response = client.submit("/auth/login", {"login": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def ask_and_download(client, deliver, to):
    """Press "Export my data", follow the emailed link; returns (response, link)."""
    response = client.submit("/settings/data/export")
    assert response.status_code == 302
    link = path_of(link_in(wait_for_email(deliver, to, SUBJECT), "/settings/data/export/"))
    return download(client, link), link


def download(client, link):
    """GET the link, read the whole answer and let go of the file it streamed."""
    response = client.get(link)
    response.get_data()
    response.close()
    return response


def unzipped(response):
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_export_holds_everything_the_member_wrote_and_nothing_of_anyone_else(
        app, community, deliver):
    ada = logged_in(app, "ada")
    response, _ = ask_and_download(ada, deliver, "ada@example.com")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    files = unzipped(response)
    published, draft = community["published"], community["draft"]
    assert sorted(files) == sorted([
        "README.txt", "profile.json", "comments.json", "likes.json", "bookmarks.json",
        "follows.json", "mutes.json", f"articles/{published.slug}.md",
        f"articles/{draft.slug}.md",
    ])

    fields, body = split(files[f"articles/{published.slug}.md"])
    assert body == "\n# Engines\n\nThey *compute*.\n"
    assert fields["title"] == 'Notes: on "engines"'
    assert fields["description"] == "A first look"
    assert fields["slug"] == published.slug
    assert fields["tags"] == ["history", "math"]
    assert fields["status"] == "published"
    assert fields["published"].endswith("Z") and fields["created"] and fields["updated"]
    fields, body = split(files[f"articles/{draft.slug}.md"])
    assert (fields["title"], fields["status"], body) == ("Half done", "draft", "\nTo be continued")
    assert "published" not in fields

    profile = json.loads(files["profile.json"])
    assert profile["username"] == "ada"
    assert profile["email"] == "ada@example.com"
    assert (profile["display_name"], profile["bio"]) == ("Ada L.", "Counts things.")
    written = json.loads(files["comments.json"])
    assert [c["body"] for c in written] == ["Nice post, Bob.", "And a reply."]  # not the deleted
    assert written[1]["reply_to"] == written[0]["id"]
    assert written[0]["article"]["slug"] == community["bobs"].slug
    for name in ("likes.json", "bookmarks.json"):
        [entry] = json.loads(files[name])
        assert entry["article"] == {"slug": community["bobs"].slug,
                                    "title": "Bob's secret-free post", "author": "bob"}
    chosen = json.loads(files["follows.json"])
    assert [p["username"] for p in chosen["people"]] == ["bob"]
    assert [t["name"] for t in chosen["tags"]] == ["python"]
    muted = json.loads(files["mutes.json"])
    assert [p["username"] for p in muted["people"]] == ["carl"]
    assert [t["name"] for t in muted["tags"]] == ["history"]

    everything = "".join(files.values())
    for others in ("Bob's own words", "Bob's draft", "Bob's unpublished", "Bob's comment",
                   "bob@example.com"):
        assert others not in everything


def test_hidden_articles_are_marked_in_their_authors_export_and_left_out_of_others(
        app, community, deliver):
    for article in (community["published"], community["bobs"]):
        article.hidden_at, article.hidden_reason = utcnow(), "Off-topic."
    db.session.commit()
    files = unzipped(ask_and_download(logged_in(app, "ada"), deliver, "ada@example.com")[0])
    fields, _ = split(files[f"articles/{community['published'].slug}.md"])
    assert fields["hidden"] == "Off-topic."
    assert json.loads(files["likes.json"]) == json.loads(files["bookmarks.json"]) == []


def test_the_download_is_an_attachment_never_kept_by_a_cache(app, community, deliver):
    response, _ = ask_and_download(logged_in(app, "ada"), deliver, "ada@example.com")
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"blog-ada-{utcnow():%Y-%m-%d}.zip" in disposition


def test_the_link_works_only_for_the_member_logged_in(app, community, deliver, make_client):
    ada = logged_in(app, "ada")
    _, link = ask_and_download(ada, deliver, "ada@example.com")

    visitor = make_client().get(link)
    assert visitor.status_code == 302
    assert visitor.headers["Location"].startswith("/auth/login?next=")

    other = logged_in(app, "bob").get(link)
    assert other.status_code == 403
    assert "belongs to another account" in page(other)
    assert other.mimetype == "text/html"

    forged = ada.get(link[:-3] + "abc")
    assert forged.status_code == 400
    assert "This link is invalid." in page(forged)
    assert download(ada, link).status_code == 200


def test_an_expired_link_is_refused_and_its_file_deleted(app, community, deliver):
    ada = logged_in(app, "ada")
    _, link = ask_and_download(ada, deliver, "ada@example.com")
    app.config["EXPORT_LINK_HOURS"] = -1
    response = ada.get(link)
    assert response.status_code == 400
    assert "This link has expired." in page(response)
    assert "Export my data again" in page(response)
    exports.sweep_expired()
    assert list(exports.export_folder().glob("*/*.zip")) == []


def test_a_new_export_replaces_the_last_one(app, community, deliver, mailbox):
    ada = logged_in(app, "ada")
    _, first = ask_and_download(ada, deliver, "ada@example.com")
    mailbox.clear()
    _, second = ask_and_download(ada, deliver, "ada@example.com")
    assert first != second
    assert download(ada, second).status_code == 200
    response = ada.get(first)
    assert response.status_code == 400
    assert "no longer kept" in page(response)
    assert len(list(exports.export_folder().glob("*/*.zip"))) == 1


def test_asking_twice_while_it_is_built_builds_once(app, community, deliver, monkeypatch):
    release = threading.Event()
    built = []
    real_build = exports.build_export

    def slow_build(job):
        release.wait(10)
        built.append(job)
        return real_build(job)

    monkeypatch.setattr(exports, "build_export", slow_build)
    ada = logged_in(app, "ada")
    ada.submit("/settings/data/export")
    settings_page = page(ada.get("/settings"))
    assert "Your export is being prepared" in settings_page
    again = ada.submit("/settings/data/export", follow_redirects=True)
    assert "being prepared already" in page(again)
    release.set()
    wait_for_email(deliver, "ada@example.com", SUBJECT)
    app.extensions["export_worker"].wait_idle()
    assert len(built) == 1
    assert "Your last export is kept until" in page(ada.get("/settings"))


def test_a_lost_build_does_not_block_the_next_request(app, community, deliver):
    folder = exports.export_folder() / str(community["ada"].id)
    folder.mkdir(parents=True)
    (folder / exports.LOCK).touch()
    ada = logged_in(app, "ada")
    assert "being prepared already" in page(ada.submit("/settings/data/export",
                                                        follow_redirects=True))
    app.config["EXPORT_BUILD_TIMEOUT"] = -1  # the lock is as good as old
    response, _ = ask_and_download(ada, deliver, "ada@example.com")
    assert response.status_code == 200


def test_deleting_the_account_deletes_its_exports(app, community, deliver):
    ada = logged_in(app, "ada")
    ask_and_download(ada, deliver, "ada@example.com")
    assert list(exports.export_folder().glob("*/*.zip"))
    response = ada.submit("/settings/delete", {"delete-password": TEST_PASSWORD})
    assert response.status_code == 302
    assert list(exports.export_folder().glob("*/*.zip")) == []


def test_asking_needs_a_member_and_the_form_token(app, community, make_client):
    assert make_client().submit("/settings/data/export").status_code == 302
    ada = logged_in(app, "ada")
    assert ada.post("/settings/data/export").status_code == 400  # no CSRF token
    assert not exports.export_folder().exists()


def test_asking_is_rate_limited(make_app, smtp, tmp_path, community):
    app = make_app(MAIL_SERVER=smtp.hostname, MAIL_PORT=smtp.port, RATELIMIT_ENABLED=True,
                   EXPORT_FOLDER=str(tmp_path / "exports"),
                   RATELIMIT_EXPORTS_PER_MEMBER="1 per hour")
    ada = logged_in(app, "ada")
    assert ada.submit("/settings/data/export").status_code == 302
    refused = ada.submit("/settings/data/export")
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    app.extensions["export_worker"].wait_idle()


def test_the_settings_page_offers_export_and_import(app, community):
    html = page(logged_in(app, "ada").get("/settings"))
    assert ">Your data</h2>" in html
    assert 'action="/settings/data/export"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "Half done" in html  # Your drafts


def test_building_an_export_costs_the_same_few_queries_however_much_was_written(
        app, community, make_article):
    ada = community["ada"]

    def statements():
        db.session.expire(ada)  # read afresh, as the worker does
        with count_queries() as queries:
            for _ in export_files(ada, "blog", utcnow()):
                pass
        return len(queries)

    few = statements()
    for number in range(5):
        make_article(author=ada, title=f"More {number}", tags="more")
    assert statements() == few <= 11  # one more for the pictures (images/)


def test_a_failed_build_tells_the_member_and_the_next_ask_works(
        app, community, deliver, monkeypatch):
    """Without a word, the member would wait for a link that never comes."""
    real_files = exports.export_files

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "export_files", broken)
    ada = logged_in(app, "ada")
    ada.submit("/settings/data/export")
    email = wait_for_email(deliver, "ada@example.com", "Your data export could not be built")
    assert path_of(link_in(email, "/settings")) == "/settings"
    app.extensions["export_worker"].wait_idle()
    assert "could not be built" in page(ada.get("/settings"))
    monkeypatch.setattr(exports, "export_files", real_files)
    response, _ = ask_and_download(ada, deliver, "ada@example.com")
    assert response.status_code == 200
    assert "could not be built" not in page(ada.get("/settings"))
