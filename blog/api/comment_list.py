"""An article's comments as the API lists them, encoded once for every reader.

Answering a long discussion's 100 comments was mostly building them: reading the
rows, shaping each comment as the spec does, and encoding it. Little differs from one
reader to the next: which hidden comments they see (their own; all of them for a
moderator) and whose authors they follow. So the list is read and encoded once, each
comment as a reader who does not follow its author gets it (a follower's copy differs
by one word, put in as it is answered), and kept in this process's memory as the
comments section of a member's article page is (blog/article/comment_section.py):
under the page cache's content clock, which any change to comments, articles or
members moves, for PAGE_CACHE_SECONDS at most, and checked against the article's
comment changes (articles.comments_changes); an author's own comments are checked
against the database (fragments.still_true_for). Each answer picks its comments from
it. With the page cache off, nothing is kept: each comment shown is encoded once, for
its reader.
"""

import functools
import json
import time
from typing import NamedTuple

from flask import current_app

from ..domain import follows, permissions, threads
from ..web import fragments
from .present import comment_json


class EncodedComment(NamedTuple):
    """One comment of the list: who wrote it, whether it is hidden, what it was encoded
    from (its version and its author's face: username, bio, picture), and its JSON as
    a reader who does not follow its author gets it."""

    id: int
    author_id: int
    hidden: bool
    version: tuple
    face: tuple
    text: str

    @property
    def is_hidden(self):  # as permissions.visible_comments asks
        return self.hidden


# A list is at most API_MAX_COMMENTS comments of a body up to 10,000 characters each (6
# characters each once escaped, outside ASCII): kept apart from the page pieces
# (blog.web.fragments), one per article; a list over a quarter of it is not kept.
_lists = fragments.Shelf(entries=256, characters=8_000_000)


def comments_answer(reader, article, clock):
    """The JSON text of `article`'s comments ({"comments": [...]}) as `reader` gets them.
    `clock`: the page cache's content clock, read before `article` was (None: keep
    nothing)."""
    seconds = current_app.config["PAGE_CACHE_SECONDS"]
    if clock is None or seconds <= 0:
        # Nothing kept: each comment shown is encoded once, as this reader gets it.
        return _answer(reader, _read(article), lambda c, followed: _json(comment_json(c, followed)))
    stamp = (clock, int(time.time() // seconds), article.comments_changes)
    kept = _lists.get(article.id)
    # An author gets their own comments as they are now (fragments.still_true_for).
    face = reader.is_authenticated and (reader.username, reader.bio, reader.image_url)
    if kept is not None and kept[0] == stamp and (
            not face or fragments.still_true_for(reader.id, face, kept[1])):
        listed = kept[1]
    else:
        listed = _encoded(article)
        _lists.put(article.id, (stamp, listed), sum(len(c.text) for c in listed))
    return _answer(reader, listed, lambda c, followed: _followed(c.text) if followed else c.text)


def _answer(reader, comments, encoded):
    # The comments `reader` may see, each as encoded(comment, author followed).
    shown = permissions.visible_comments(reader, comments)
    followed = follows.followed_among(reader, {c.author_id for c in shown})
    listing = ",".join(encoded(c, c.author_id in followed) for c in shown)
    return '{"comments":[' + listing + "]}\n"


def _read(article):
    return threads.in_reading_order(article, current_app.config["API_MAX_COMMENTS"])


def _encoded(article):
    return tuple(EncodedComment(c.id, c.author_id, c.is_hidden, threads.version(c), tuple(c.author),
                                _json(comment_json(c, False)))
                 for c in _read(article))


def _followed(text):
    """A comment's JSON `text` as its author's follower gets it. The author's flag is the
    only "following" key in it, and no string can hold that spelling: a quote inside one
    is escaped (\\")."""
    return text.replace('"following":false', '"following":true', 1)


def _json(data):
    # As jsonify() writes it outside debug mode: sorted keys, no spaces. With one encoder
    # made for the app's settings: app.json.dumps() made one for each comment, a third of
    # the cost of encoding a comment.
    return _encoder(current_app.json.ensure_ascii, current_app.json.sort_keys).encode(data)


@functools.cache
def _encoder(ensure_ascii, sort_keys):
    # Our comments hold strings, numbers, booleans and None: no `default` is ever asked.
    return json.JSONEncoder(ensure_ascii=ensure_ascii, sort_keys=sort_keys,
                            separators=(",", ":"))
