"""Pieces of a page drawn once and reused, for anyone who sees them alike.

A template wraps a piece in a call block whose arguments are everything the piece
shows (a name for the piece first):

    {% call fragment('card', article.id, article.title, ...) %} ... {% endcall %}

The first time a key is seen, the block is drawn and kept; the next page with the same
key gets the kept markup. Nothing needs to be forgotten on a write: a changed title, a
new comment count or a renamed author is a new key, and the old one ages out. So a
block must show nothing that is not in its key (no member's own state, no CSRF token,
no url_for of the request), and what changes per reader stays outside it.

Kept per process, at most ENTRIES of them and CHARACTERS of markup and key texts in all
(an Atom entry holds a whole article, in its key and its markup), the least recently
drawn dropped first.
"""

import functools
import secrets
import threading
import weakref
from collections import OrderedDict
from typing import NamedTuple

from flask import g
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ..domain import permissions, threads

ENTRIES = 4096
CHARACTERS = 16_000_000  # about 16 MB: a card is 1 to 2 KB, an Atom entry 6 to 60 with its key
# Where a kept form's CSRF token goes: the block holds this, with_csrf() puts the
# page's own token in (a token is a member's: it must never be kept). Drawn at random
# for each process, as the kept blocks are: with_csrf() fills every hole in a block,
# and its comments, titles and pictures' addresses are members' text. A hole anyone
# could type (":csrf-token:" once) in an image's address sent each reader's token to
# the image's site.
CSRF_HOLE = f":csrf-{secrets.token_hex(16)}:"

_kept = OrderedDict()
_kept_characters = 0
_lock = threading.Lock()
_shelves = weakref.WeakSet()  # every Shelf, for forget()


def fragment(*key, caller):
    """The markup of the call block for `key`: kept from before, or drawn now and kept."""
    return _kept_or_drawn(key, caller)


def _kept_or_drawn(key, draw):
    with _lock:
        markup = _kept.get(key)
        if markup is not None:
            _kept.move_to_end(key)
            return markup
    markup = draw()  # Markup (autoescaped); drawn unlocked: two threads may draw it alike
    global _kept_characters
    with _lock:
        replaced = _kept.pop(key, None)
        _kept[key] = markup
        _kept_characters += _size(key, markup) - (
            _size(key, replaced) if replaced is not None else 0)
        while len(_kept) > ENTRIES or _kept_characters > CHARACTERS:
            _kept_characters -= _size(*_kept.popitem(last=False))
    return markup


def _size(key, markup):
    # The key's texts count too: an Atom entry's key holds the article's whole HTML.
    return len(markup) + sum(len(part) for part in key if isinstance(part, str))


def forget():
    """Drop every kept part: the next pages draw them all again."""
    global _kept_characters
    with _lock:
        _kept.clear()
        _kept_characters = 0
    for shelf in list(_shelves):
        shelf.clear()


class Shelf:
    """Larger parts kept apart from the small ones above, so that they never push those
    out: one value per key, a newer one replacing it, the least recently used dropped
    first past `entries` of them or `characters` of their markup in all."""

    def __init__(self, entries, characters):
        self.entries, self.characters = entries, characters
        self._kept, self._characters, self._lock = OrderedDict(), 0, threading.Lock()
        _shelves.add(self)

    def get(self, key):
        """The value put for `key`, or None."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                return None
            self._kept.move_to_end(key)
            return kept[1]

    def put(self, key, value, characters):
        """Keep `value` (whose markup is `characters` long) for `key`, in place of any other.
        One over a quarter of the shelf is not kept (the one before it is dropped): it
        would push out all the others at every page."""
        with self._lock:
            replaced = self._kept.pop(key, None)
            if characters > self.characters // 4:
                self._characters -= replaced[0] if replaced else 0
                return
            self._characters += characters - (replaced[0] if replaced else 0)
            self._kept[key] = (characters, value)
            while len(self._kept) > self.entries or self._characters > self.characters:
                self._characters -= self._kept.popitem(last=False)[1][0]

    def clear(self):
        with self._lock:
            self._kept.clear()
            self._characters = 0


def with_csrf(markup):
    """`markup` (a kept block with forms) with the page's CSRF token in its CSRF_HOLEs."""
    return markup.replace(CSRF_HOLE, page_csrf_token())


def page_csrf_token():
    """This request's CSRF token, escaped for HTML: asked of Flask-WTF once, however many
    forms and buttons the page holds (a discussion's 40 comment boxes asked 40 times)."""
    token = g.get("escaped_csrf_token")
    if token is None:
        token = g.escaped_csrf_token = escape(generate_csrf())
    return token


def card_key(article):
    """Everything the kept part of an article's card shows, but its address (a key for
    fragment()): its author's picture and names, when it was published, its title,
    description and tags. Read here rather than in Jinja: a third of a card's cost."""
    author = article.author
    return (author.image_url, author.username, author.name, article.published_at,
            article.title, article.description, tuple(tag.name for tag in article.tags))


def card_list(page, draw, article_prefix, profile_prefix, tag_prefix, shared):
    """The cards of `page`, each drawn by `draw` (the card macro of _article_card.html)
    once per key and kept; `shared` is templating.toggles_shared().

    A visitor's card is the same for every visitor of this page, buttons and counts
    included: its key names all it shows (its counts, the page to come back to). A
    member's is keyed also by what they liked and saved, its buttons holding the hole
    for the page's CSRF token. Looked up here rather than by a call block per card in
    Jinja, which cost more than showing the kept card (as for comments below).
    """
    visitor = shared["visitor"]
    common = (profile_prefix, tag_prefix, shared["login_url"])
    if visitor:
        common += (shared["back"],)
    else:
        liked_ids, saved_ids = page.liked_ids, page.bookmarked_ids
        shared = {**shared, "csrf_token": CSRF_HOLE}  # the buttons' token: a hole, filled below
    cards = []
    for article in page.items:
        url = article_prefix + article.slug
        liked = saved = False
        if not visitor:
            liked, saved = article.id in liked_ids, article.id in saved_ids
        key = ("visitor card" if visitor else "member card", url, *common, card_key(article),
               article.likes_count, article.comments_count, article.reading_minutes,
               liked, saved)
        cards.append(_kept_or_drawn(key, functools.partial(
            draw, article, url, profile_prefix, tag_prefix, liked, saved, shared)))
    markup = Markup("\n").join(cards)
    return markup if visitor else with_csrf(markup)


def comment_shower(draw, muted_ids, moderating, *prefixes, slots=None):
    """How a page shows each of its comments: drawn by `draw` (the comment_card macro,
    given the reader's rights to edit and delete it, each asked once) once per key and
    kept. The key names everything a comment shows (its text, author, dates,
    moderation) and what this reader sees of it and may do: folded as muted, hidden or
    not, their own, moderating, editing, deleting. Built in Python: two macro calls and
    twenty attribute lookups in Jinja cost more than showing a kept comment.

    With `slots` (CommentSlots) the section is drawn for many members at once: each
    comment is drawn for two of them, and shown as a COMMENT_HOLE."""
    reader = current_user._get_current_object()

    def drawn(comment, reader):
        member, author = reader.is_authenticated, comment.author
        hidden = comment.hidden_at is not None
        may_edit = permissions.can_edit_comment(reader, comment)
        may_delete = permissions.can_delete_comment(reader, comment)
        own = member and reader.id == comment.author_id
        shows_hidden = hidden and permissions.sees_hidden(reader, comment.author_id)
        key = ("comment", *prefixes, comment.id, comment.body_html, comment.created_at,
               comment.updated_at, comment.deleted_at is not None, hidden,
               comment.hidden_reason,
               author and (author.image_url, author.username, author.name),
               comment.author_id in muted_ids, own, moderating, shows_hidden,
               may_edit, may_delete)
        return _kept_or_drawn(key, lambda: draw(comment, may_edit, may_delete, own, shows_hidden))

    if slots is None:
        return lambda comment: drawn(comment, reader)

    def slotted(comment):
        others, author = drawn(comment, slots.reader_as(None)), comment.author
        slots.comments.append(SlotComment(
            comment.id, comment.author_id, threads.version(comment),
            author and (author.image_url, author.username, author.name), others,
            others if author is None else drawn(comment, slots.reader_as(comment.author_id))))
        return Markup(COMMENT_HOLE)  # noqa: S704 - ours, not a member's text

    return slotted


# Where a comment goes in a section kept for many members: random per process, as
# CSRF_HOLE is, since comments are members' text.
COMMENT_HOLE = f":comment-{secrets.token_hex(16)}:"


class SlotComment(NamedTuple):
    """A comment of a section drawn for many members: what it was drawn from (its
    version and its author's face: picture, username, name) and its two drawings."""

    id: int
    author_id: int | None
    version: tuple
    face: tuple | None
    others: str  # as the members who did not write it see it
    own: str  # as its author does


class CommentSlots:
    """A comments section drawn once for many members (blog/article/comment_section.py):
    each comment drawn as any of them sees it and as its own author does, the page
    putting in the one its reader gets. `reader_as(author_id)` is who the rules are
    asked about: such a member who wrote the comment, or (None) one who did not."""

    def __init__(self, reader_as):
        self.reader_as = reader_as
        self.comments = []  # SlotComment

    def kept(self, markup):
        """(the section's pieces between its comments, its comments): what fill() takes."""
        pieces = tuple(markup.split(COMMENT_HOLE))
        if len(pieces) != len(self.comments) + 1:
            raise ValueError("a comment hole that is not one of this section's comments")
        return pieces, tuple(self.comments)


def fill(pieces, comments, reader_id):
    """A section's markup from CommentSlots.kept(), each comment as `reader_id` sees it."""
    parts = [pieces[0]]
    for comment, piece in zip(comments, pieces[1:], strict=True):
        parts.append(comment.own if comment.author_id == reader_id else comment.others)
        parts.append(piece)
    return "".join(parts)


def still_true_for(reader_id, face, comments):
    """Whether the comments member `reader_id` wrote among `comments` (each with an id,
    author_id, version and face) are still as they were drawn: unchanged (one SQL
    statement when they wrote some), and their `face` (what a comment shows of its
    author) the same. Another process's writes do not move this one's clock with
    PAGE_CACHE_URL=memory://, but an author must see their own change at once."""
    mine = {c.id: c.version for c in comments if c.author_id == reader_id}
    if not mine:
        return True
    return (all(c.face == face for c in comments if c.author_id == reader_id)
            and threads.versions(mine) == mine)
