"""What one member did with a page's articles: which they liked, which they bookmarked.

One statement for both, on the likes' and bookmarks' primary keys (user_id,
article_id), put together once per process: the page's ids and the reader are its
parameters.
"""

import functools

from sqlalchemy import Integer, bindparam, exists, select

from ..extensions import db
from ..models import Article, Bookmark, Like


@functools.cache
def _marks_statement():
    reader_id = bindparam("reader_id", type_=Integer)
    liked = exists().where(Like.user_id == reader_id, Like.article_id == Article.id)
    saved = exists().where(Bookmark.user_id == reader_id, Bookmark.article_id == Article.id)
    return select(Article.id, liked, saved).where(
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
