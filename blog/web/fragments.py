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

from flask import g
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ..domain import permissions

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
        """Keep `value` (whose markup is `characters` long) for `key`, in place of any other."""
        with self._lock:
            replaced = self._kept.pop(key, None)
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


def comment_shower(draw, muted_ids, moderating, *prefixes):
    """How a page shows each of its comments: drawn by `draw` (the comment_card macro,
    given the reader's rights to edit and delete it, each asked once) once per key and
    kept. The key names everything a comment shows (its text, author, dates,
    moderation) and what this reader sees of it and may do: folded as muted, hidden or
    not, their own, moderating, editing, deleting. Built in Python: two macro calls and
    twenty attribute lookups in Jinja cost more than showing a kept comment."""
    reader = current_user._get_current_object()
    member = reader.is_authenticated

    def shown(comment):
        author, hidden = comment.author, comment.hidden_at is not None
        may_edit = permissions.can_edit_comment(reader, comment)
        may_delete = permissions.can_delete_comment(reader, comment)
        key = ("comment", *prefixes, comment.id, comment.body_html, comment.created_at,
               comment.updated_at, comment.deleted_at is not None, hidden,
               comment.hidden_reason,
               author and (author.image_url, author.username, author.name),
               comment.author_id in muted_ids, member and reader.id == comment.author_id,
               moderating, hidden and permissions.sees_hidden(reader, comment.author_id),
               may_edit, may_delete)
        return _kept_or_drawn(key, lambda: draw(comment, may_edit, may_delete))

    return shown
