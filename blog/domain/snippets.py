"""Highlighted snippets of search results, built here rather than by the database.

Every piece of an article's text is escaped; the only markup is our own <mark>
around the words the query looked for. Built in Python, a snippet is the same on
SQLite and PostgreSQL, and no database function decides what reaches the page.
"""

import re

from markupsafe import Markup, escape

from .search_query import pattern

SNIPPET_CHARS = 220
LEAD_CHARS = 60  # text kept before the first match, so it reads in context
# Markdown marks that read as noise in a line of plain text.
MARKDOWN_NOISE = re.compile(r"[*`~|]+|^\s*(?:[#>]+|[-+])\s+", re.M)
MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
SPACES = re.compile(r"\s+")
MARK_OPEN, MARK_CLOSE = Markup("<mark>"), Markup("</mark>")


def plain(markdown):
    """Markdown flattened into one line of text."""
    text = MARKDOWN_LINK.sub(r"\1", markdown or "")
    return SPACES.sub(" ", MARKDOWN_NOISE.sub(" ", text)).strip()


def highlight(text, query):
    """`text` escaped, with the words `query` looks for in <mark> (Markup)."""
    text, out, at = text or "", Markup(""), 0
    found = pattern(query)
    for match in found.finditer(text) if found else ():
        out += escape(text[at:match.start()]) + MARK_OPEN + escape(match.group()) + MARK_CLOSE
        at = match.end()
    return out + escape(text[at:])


def _first_match(text, query):
    found = pattern(query)
    match = found.search(text) if found else None
    return match.start() if match else None


def _cut(text, start, length):
    """`text[start:start+length]`, widened or narrowed to whole words, with ellipses."""
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = start + length
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    piece = text[start:end]
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")


def snippet(body, description, query):
    """A line of the body around the first word `query` looks for (Markup).

    The description (or the body's start) when the body does not have one. Only a
    window of the body around the match is flattened: a page holds twenty bodies.
    """
    body = body or ""
    at = _first_match(body, query) if query.searches_text else None
    if at is None:
        text = description or plain(body[:SNIPPET_CHARS * 4])
        return highlight(_cut(text, 0, SNIPPET_CHARS), query)
    window = plain(body[max(at - 4 * LEAD_CHARS, 0):at + 4 * SNIPPET_CHARS])
    at = _first_match(window, query) or 0
    return highlight(_cut(window, max(at - LEAD_CHARS, 0), SNIPPET_CHARS), query)
