"""Importing Markdown files as drafts in Settings (tests/test_imports.py: module layering)."""

import io
import zipfile

import pytest
from sqlalchemy import func, select

from blog.domain.front_matter import FrontMatterError, dump, split
from blog.extensions import db
from blog.models import Article
from helpers import TEST_PASSWORD, FormClient, link_in, page, path_of, wait_for_email

EXPORT_READY = "Your data is ready to download"
WITH_FRONT_MATTER = """\
---
title: "Engines: a history"
description: How we got here   # a comment
tags: [history, "math"]
cover_image: https://example.org/engine.png
date: 2021-03-04
published: true
---

The *first* engine.
"""


@pytest.fixture
def member(make_member, client):
    user = make_member("ada")
    login = client.submit("/auth/login", {"login": "ada", "password": TEST_PASSWORD})
    assert login.status_code == 302
    return user


def upload(client, *files, **kwargs):
    """POST the import form with `files`, each (name, bytes or text)."""
    data = {"import-files": [
        (io.BytesIO(content.encode() if isinstance(content, str) else content), name)
        for name, content in files
    ]}
    return client.submit("/settings/data/import", data, content_type="multipart/form-data",
                         **kwargs)


def zipped(*files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def articles_of(member):
    db.session.expire_all()
    return db.session.scalars(
        select(Article).where(Article.author_id == member.id).order_by(Article.id)
    ).all()


def article_count():
    return db.session.scalar(select(func.count()).select_from(Article))


def refused(response, message):
    """The form came back with `message` beside the files field, and nothing was saved."""
    assert response.status_code == 422
    html = page(response)
    assert 'id="import-files-error"' in html
    assert message in html
    assert article_count() == 0


def test_a_file_with_front_matter_becomes_a_draft(client, member):
    response = upload(client, ("engines.md", WITH_FRONT_MATTER), follow_redirects=True)
    assert "Imported 1 draft: “Engines: a history”" in page(response)
    [article] = articles_of(member)
    assert article.status == "draft" and article.published_at is None  # never published
    assert article.title == "Engines: a history"
    assert article.description == "How we got here"
    assert [tag.name for tag in article.tags] == ["history", "math"]
    assert article.cover_url == "https://example.org/engine.png"
    assert article.body == "The *first* engine.\n"
    assert article.slug == "engines-a-history"
    # Only its author sees it; it shows among their drafts in Settings.
    assert "Engines: a history" in page(client.get("/settings"))
    assert client.get(f"/articles/{article.slug}").status_code == 200


def test_without_front_matter_the_first_heading_is_the_title(client, member):
    upload(client, ("notes.md", "\n# My notes #\n\nSome text.\n\n# Part two\n"))
    [article] = articles_of(member)
    assert article.title == "My notes"
    assert article.body == "Some text.\n\n# Part two\n"
    assert article.tags == [] and article.description == ""


def test_without_title_or_heading_the_file_name_is_the_title(client, member):
    upload(client, ("2020-01-02-my_first-post.md", "Just text, ## no heading.\n"),
           ("Other.markdown", "```\n# not a heading\n```\n"))
    assert [a.title for a in articles_of(member)] == ["My first post", "Other"]
    assert articles_of(member)[0].body == "Just text, ## no heading.\n"


def test_several_files_and_a_zip_in_one_import(client, member):
    archive = zipped(("posts/one.md", "# One\n\nText one."), ("posts/two.md", "# Two\n\nText two."),
                     ("posts/notes.json", "{}"), ("__MACOSX/posts/._one.md", "junk"))
    response = upload(client, ("three.md", "# Three\n\nText three."), ("posts.zip", archive),
                      follow_redirects=True)
    assert "Imported 3 drafts" in page(response)
    assert [a.title for a in articles_of(member)] == ["Three", "One", "Two"]


def test_a_zip_saved_without_its_extension_is_still_read(client, member):
    upload(client, ("download", zipped(("one.md", "# One\n\nText one."))))
    assert [a.title for a in articles_of(member)] == ["One"]


def test_the_same_title_twice_gets_two_slugs(client, member, make_article):
    make_article(author=member, title="Hello")
    upload(client, ("a.md", "# Hello\n\nA."), ("b.md", "# Hello\n\nB."))
    slugs = [a.slug for a in articles_of(member)]
    assert len(set(slugs)) == 3 and slugs[0] == "hello"


@pytest.mark.parametrize(("files", "message"), [
    ([("bad.md", b"\xff\xfe caf\xe9")], "bad.md: not UTF-8 text."),
    ([("photo.png", b"\x89PNG")], "photo.png: not a Markdown file."),
    ([("broken.zip", b"PK not really")], "broken.zip: not a zip file that can be opened."),
    ([("open.md", "---\ntitle: x\n\nNo closing fence.")],
     "open.md: The front matter that starts on line 1 has no closing"),
    ([("nested.md", "---\nauthor:\n  name: Ada\n---\nText")],
     "nested.md: Line 3 of the front matter is not"),
    ([("tags.md", "---\ntags: [a, b, c, d, e]\n---\nText")], "tags.md: tags: Use at most 4 tags."),
    ([("empty.md", "# Only a title\n")], "empty.md: text: Write something in the body."),
    ([("cover.md", "---\ncover_image: http://example.org/a.png\n---\nText")],
     "cover.md: cover_image:"),
    ([("title.md", "# " + "x" * 151 + "\n\nText")], "title.md: title: Use at most 150 characters."),
])
def test_a_bad_file_is_named_beside_the_field_and_nothing_is_imported(
        client, member, files, message):
    good = ("good.md", "# Good\n\nFine.")
    refused(upload(client, good, *files), message)


def test_an_import_without_files_says_what_to_choose(client, member):
    expected = "Choose one or more Markdown files (.md), or a .zip of them."
    refused(upload(client), expected)
    refused(upload(client, ("only.zip", zipped(("notes.json", "{}")))), expected)


def test_too_many_files_are_refused(make_app, client, member, app):
    app.config["IMPORT_MAX_FILES"] = 2
    files = [(f"{n}.md", f"# {n}\n\nText.") for n in range(3)]
    refused(upload(client, *files), "Import at most 2 files at a time.")
    refused(upload(client, ("all.zip", zipped(*files))), "Import at most 2 files at a time.")


def test_too_many_bytes_are_refused_even_when_zipped_small(client, member, app):
    app.config["IMPORT_MAX_BYTES"] = 10_000
    refused(upload(client, ("big.md", "a" * 10_001)), "more than 9 KB of text")
    bomb = zipped(("bomb.md", "a" * 1_000_000))
    assert len(bomb) < 5_000
    refused(upload(client, ("bomb.zip", bomb)), "bomb.zip/bomb.md: larger than 9 KB.")


def test_importing_needs_a_confirmed_member_and_the_form_token(make_member, client):
    make_member("unconfirmed", verified=False)
    client.submit("/auth/login", {"login": "unconfirmed", "password": TEST_PASSWORD})
    assert upload(client, ("a.md", "# A\n\nText.")).status_code == 403
    assert client.post("/settings/data/import").status_code == 400  # no CSRF token
    assert article_count() == 0


def test_importing_is_rate_limited_and_a_refused_import_costs_nothing(make_app, make_member):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_IMPORTS_PER_MEMBER="1 per hour")
    with app.app_context():
        make_member("ada")
        client = FormClient(app.test_client())
        client.submit("/auth/login", {"login": "ada", "password": TEST_PASSWORD})
        assert upload(client, ("bad.png", b"x")).status_code == 422
        assert upload(client, ("a.md", "# A\n\nText.")).status_code == 302
        too_many = upload(client, ("b.md", "# B\n\nText."))
        assert too_many.status_code == 429
        assert "Retry-After" in too_many.headers


def test_an_export_imports_back_as_the_same_articles_in_drafts(
        make_app, smtp, tmp_path, make_member, make_article, make_client):
    app = make_app(MAIL_SERVER=smtp.hostname, MAIL_PORT=smtp.port,
                   EXPORT_FOLDER=str(tmp_path / "exports"))
    with app.app_context():
        from blog.mailer import deliver_due

        def deliver():
            deliver_due()
            return list(smtp.mailbox.messages)

        ada, bea = make_member("ada"), make_member("bea")
        originals = [
            make_article(author=ada, title='Quotes "and" colons: #1', description="It's: tricky",
                         body="# Heading kept\n\nLine\r\nwith CRLF? no.\n", tags="a, b_c",
                         cover_url="https://example.org/c.png"),
            make_article(author=ada, title="A draft", body="Not yet.", publish=False),
        ]
        exporter = make_client()
        exporter.submit("/auth/login", {"login": "ada", "password": TEST_PASSWORD})
        exporter.submit("/settings/data/export")
        email = wait_for_email(deliver, "ada@example.com", EXPORT_READY)
        link = path_of(link_in(email, "/settings/data/export/"))
        response = exporter.get(link)
        archive = response.get_data()
        response.close()

        importer = make_client()
        importer.submit("/auth/login", {"login": "bea", "password": TEST_PASSWORD})
        assert upload(importer, ("ada-export.zip", archive)).status_code == 302
        imported = articles_of(bea)
        assert [a.status for a in imported] == ["draft", "draft"]
        assert [fields(a) for a in imported] == [fields(a) for a in originals]


def fields(article):
    body = article.body.replace("\r\n", "\n")
    return (article.title, article.description, body, [t.name for t in article.tags],
            article.cover_url)


def test_front_matter_reads_what_it_writes_and_the_usual_yaml():
    written = dump({"title": 'a "b": c\n', "tags": ["x", "y z"], "none": None})
    assert split(written + "\nBody") == ({"title": 'a "b": c\n', "tags": ["x", "y z"]}, "\nBody")
    text = "---\ntitle: 'It''s'\ntags:\n  - one\n  - \"two\"\nempty:\n...\nBody"
    assert split(text) == ({"title": "It's", "tags": ["one", "two"], "empty": []}, "Body")
    assert split("No front matter\n---\n") == ({}, "No front matter\n---\n")
    for bad in ("---\na: &anchor x\n---\n", "---\na: [x\n---\n", '---\na: "x\n---\n'):
        with pytest.raises(FrontMatterError):
            split(bad)
