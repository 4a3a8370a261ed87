"""Importing Markdown files as drafts: one or several .md files, or a zip of them.

Each file becomes a DRAFT, never published: the member reads it on the site
and publishes when ready. Its title comes from the front matter, else from a
first `# heading` (taken out of the text), else from the file's name; its
description, tags and cover image from the front matter. Other front matter
(dates, status, slug) is read and left: an imported article is new here.

Every file is read and checked before any is saved, and all are saved by
blog.domain.articles.create_articles in one transaction, under the same rules
as an article written in the editor: a refusal names the file, and nothing
of the import is kept. A zip's other files (an export's JSON) are passed over.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..runtime import settings
from . import articles, permissions
from .articles import ArticleError
from .errors import FieldError
from .front_matter import FrontMatterError, split

MARKDOWN_SUFFIXES = (".md", ".markdown")
ZIP_MAGIC = b"PK\x03\x04"
HEADING = re.compile(r"#[ \t]+(.+?)[ \t#]*$")
FENCE = re.compile(r"\s*(```|~~~)")
# What each article field is called in a file, for error messages.
FIELD_NAMES = {"title": "title", "description": "description", "body": "text",
               "tags": "tags", "cover_url": "cover_image"}


class ImportRefused(FieldError):
    """The upload cannot be imported; the message names the file and the reason."""

    def __init__(self, message):
        super().__init__("files", message)


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the browser gave it and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class MarkdownDraft:
    name: str
    title: str
    description: str
    body: str
    tags: list
    cover_url: str

    def fields(self):
        return (self.title, self.description, self.body, self.tags, self.cover_url)


def import_markdown(author, uploads):
    """Save every Markdown file in `uploads` as a draft of `author`'s, all or none (commits).

    Returns the new articles; raises ImportRefused naming the file at fault.
    """
    permissions.require_may_write(author)
    drafts = [read_draft(name, text) for name, text in markdown_files(uploads)]
    try:
        return articles.create_articles(author, [draft.fields() for draft in drafts], publish=False)
    except ArticleError as error:
        draft = drafts[getattr(error, "draft", 0)]
        raise ImportRefused(
            f"{draft.name}: {FIELD_NAMES.get(error.field, error.field)}: {error.message}"
        ) from error


# --- the files -----------------------------------------------------------------------


def markdown_files(uploads):
    """(name, text) of each Markdown file uploaded, loose or in zips; checks the limits."""
    found, total = [], 0
    limit_files, limit_bytes = settings["IMPORT_MAX_FILES"], settings["IMPORT_MAX_BYTES"]
    for name, data in _unpacked(uploads):
        found.append((name, data))
        total += len(data)
        if len(found) > limit_files:
            raise ImportRefused(f"Import at most {limit_files} files at a time.")
        if total > limit_bytes:
            raise ImportRefused(
                f"The files hold more than {limit_bytes // 1024} KB of text: "
                "import fewer at a time."
            )
    if not found:
        raise ImportRefused("Choose one or more Markdown files (.md), or a .zip of them.")
    return [(name, _text(name, data)) for name, data in found]


def _unpacked(uploads):
    for upload in uploads:
        name = _base_name(upload.name)
        # By its first bytes too: a file saved without its extension is still a zip.
        if name.lower().endswith(".zip") or upload.data.startswith(ZIP_MAGIC):
            yield from _zip_members(name, upload.data)
        elif name.lower().endswith(MARKDOWN_SUFFIXES):
            yield name, upload.data
        else:
            raise ImportRefused(
                f"{name}: not a Markdown file. Choose .md files, or a .zip of them."
            )


def _base_name(name):
    return PurePosixPath((name or "").replace("\\", "/")).name or "unnamed file"


def _zip_members(zip_name, data):
    """The Markdown files in a zip, read no further than the limits allow."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRefused(f"{zip_name}: not a zip file that can be opened.") from exc
    limit_bytes = settings["IMPORT_MAX_BYTES"]
    with archive:
        for entry in archive.infolist():
            path = PurePosixPath(entry.filename)
            if entry.is_dir() or not path.name.lower().endswith(MARKDOWN_SUFFIXES) \
                    or any(part.startswith((".", "__MACOSX")) for part in path.parts):
                continue
            name = f"{zip_name}/{entry.filename}"
            if entry.flag_bits & 0x1:
                raise ImportRefused(f"{name}: encrypted; zip the files without a password.")
            if entry.file_size > limit_bytes:
                raise ImportRefused(f"{name}: larger than {limit_bytes // 1024} KB.")
            try:
                with archive.open(entry) as member:
                    content = member.read(limit_bytes + 1)  # the header may lie about the size
            except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError) as exc:
                raise ImportRefused(f"{name}: cannot be read from the zip.") from exc
            if len(content) > limit_bytes:
                raise ImportRefused(f"{name}: larger than {limit_bytes // 1024} KB.")
            yield name, content


def _text(name, data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"{name}: not UTF-8 text.") from exc


# --- one file ------------------------------------------------------------------------


def read_draft(name, text):
    """The draft a Markdown file makes (not checked against the article rules yet)."""
    try:
        fields, body = split(text.replace("\r\n", "\n"))
    except FrontMatterError as error:
        raise ImportRefused(f"{name}: {error}") from error
    if fields:
        body = body.removeprefix("\n")  # the blank line after the fence, as exports write it
    title = _text_field(name, fields, "title")
    if not title:
        title, body = _heading_title(body)
    if not title:
        title = _title_from_name(name)
    tags = fields.get("tags", [])
    if isinstance(tags, str):
        tags = [tags]
    return MarkdownDraft(
        name=name,
        title=title,
        description=_text_field(name, fields, "description"),
        body=body,
        tags=tags,
        cover_url=(_text_field(name, fields, "cover_image")
                   or _text_field(name, fields, "cover_url")),
    )


def _text_field(name, fields, key):
    value = fields.get(key, "")
    if isinstance(value, list):
        raise ImportRefused(f"{name}: {key} in the front matter must be text, not a list.")
    return value.strip()


def _heading_title(body):
    """A first-level heading as the title, and the body without it; ("", body) when none.

    Only a heading before any other text counts (and never one in a code block):
    a heading further down is a section of the article.
    """
    lines = body.split("\n")
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        match = HEADING.fullmatch(line) if not FENCE.match(line) else None
        if not match:
            return "", body
        return match.group(1).strip(), "\n".join(lines[number + 1:]).lstrip("\n")
    return "", body


def _title_from_name(name):
    stem = PurePosixPath(name).stem
    words = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", stem)  # Jekyll's dated file names
    words = re.sub(r"[-_]+", " ", words).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"
