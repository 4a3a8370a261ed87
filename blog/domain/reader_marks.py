"""What one member did with a page's articles: which they liked, which they bookmarked
(and, on an article's own page, whether they follow its author).

Read with the page's own statement, or in one statement of their own, on the likes',
bookmarks' and follows' primary keys, put together once per process: the article and
the reader are its parameters.
"""

import functools

from sqlalchemy import Integer, bindparam, exists, select

from ..extensions import db
from ..models import Article, Bookmark, Follow, Like


def mark_columns(reader_id, authors_followed=False):
    """SQL: whether the reader `reader_id` (a bound parameter) liked, and bookmarked, the
    article of a row (and with `authors_followed`, whether they follow its author):
    primary-key lookups, for a list's own statement to read beside its articles
    (blog.domain.cards)."""
    # Correlated with the article alone: a list may read bookmarks itself (the reading
    # list), and this test must still look in the whole table.
    liked = exists().where(Like.user_id == reader_id,
                           Like.article_id == Article.id).correlate(Article)
    saved = exists().where(Bookmark.user_id == reader_id,
                           Bookmark.article_id == Article.id).correlate(Article)
    if not authors_followed:
        return liked, saved
    follows = exists().where(Follow.follower_id == reader_id,
                             Follow.followed_id == Article.author_id).correlate(Article)
    return liked, saved, follows


@functools.cache
def _article_marks_statement():
    # Core, on the tables' primary keys, run on the session's connection: no ORM around
    # three lookups.
    reader = bindparam("reader_id", type_=Integer)
    likes, bookmarks, follows = Like.__table__, Bookmark.__table__, Follow.__table__
    return select(
        exists().where(likes.c.user_id == reader,
                       likes.c.article_id == bindparam("article_id", type_=Integer)),
        exists().where(bookmarks.c.user_id == reader,
                       bookmarks.c.article_id == bindparam("article_id", type_=Integer)),
        exists().where(follows.c.follower_id == reader,
                       follows.c.followed_id == bindparam("author_id", type_=Integer)),
    )


def article_marks(reader, article):
    """(liked, bookmarked, follows its author) of the member `reader` for `article`: one
    statement."""
    row = db.session.connection().execute(_article_marks_statement(), {
        "reader_id": reader.id, "article_id": article.id, "author_id": article.author_id,
    }).one()
    return bool(row[0]), bool(row[1]), bool(row[2])
