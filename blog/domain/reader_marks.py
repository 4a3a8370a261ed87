"""What one member did with a page's articles: which they liked, which they bookmarked.

One statement for both, on the likes' and bookmarks' primary keys (user_id,
article_id), put together once per process: the page's ids and the reader are its
parameters.
"""

import functools

from sqlalchemy import Integer, bindparam, exists, select

from ..extensions import db
from ..models import Article, Bookmark, Like


def mark_columns(reader_id):
    """SQL: whether the reader `reader_id` (a bound parameter) liked, and bookmarked, the
    article of a row: two primary-key lookups, for a list's own statement to read
    beside its articles (blog.domain.cards) or for marks() below."""
    # Correlated with the article alone: a list may read bookmarks itself (the reading
    # list), and this test must still look in the whole table.
    liked = exists().where(Like.user_id == reader_id,
                           Like.article_id == Article.id).correlate(Article)
    saved = exists().where(Bookmark.user_id == reader_id,
                           Bookmark.article_id == Article.id).correlate(Article)
    return liked, saved


@functools.cache
def _marks_statement():
    return select(Article.id, *mark_columns(bindparam("reader_id", type_=Integer))).where(
        Article.id.in_(bindparam("ids", expanding=True)))


def marks(reader, ids):
    """(ids `reader` liked, ids they bookmarked) among `ids`, as two sets."""
    if not ids:
        return set(), set()
    rows = db.session.execute(_marks_statement(), {"reader_id": reader.id, "ids": list(ids)})
    liked, saved = set(), set()
    for article_id, is_liked, is_saved in rows:
        if is_liked:
            liked.add(article_id)
        if is_saved:
            saved.add(article_id)
    return liked, saved
