"""Likes and bookmarks: the rules behind the Like and Bookmark buttons (and the API's favorite).

Each function is idempotent (liking twice is one like) and commits one
transaction in which the like row and the article's likes_count change
together, so the count always equals the number of rows, however many
people click at once: the row is inserted with ON CONFLICT DO NOTHING and
the counter moves only when a row really was inserted or deleted. Each
returns the new state, and keeps the article loaded with its new count: the
answer reads nothing again.
"""

import functools
from dataclasses import dataclass

from sqlalchemy import Integer, bindparam, delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Article, Bookmark, Like, utcnow
from . import notifications, permissions, ranking, reader_marks
from .races import hold_member_or_gone, lock_article_or_gone, unless_gone
from .rows import commit_keeping_loaded, insert_ignoring_duplicates


@dataclass(frozen=True)
class LikeState:
    liked: bool
    likes_count: int


@dataclass(frozen=True)
class BookmarkState:
    bookmarked: bool


def _require_reactable(user, article):
    permissions.require_may_write(user)
    # Drafts cannot be liked, not even by their author.
    permissions.require(
        article.is_published, "article", "Only published articles can be liked or saved."
    )


def _move_likes_count(article, change):
    """Add `change` to the article's likes_count (0: only read it); the new count.

    Its Top scores move in the same statement (blog.domain.ranking). The count
    is also put on `article`, which stays loaded after the commit.
    """
    count = db.session.scalar(_likes_count_moved_by(change), {"article_id": article.id})
    set_committed_value(article, "likes_count", count)
    return count


@functools.cache
def _likes_count_moved_by(change):
    # Written once per process for each change (+1, -1, 0): a click built it every time.
    article_id = bindparam("article_id", type_=Integer)
    if not change:
        return select(Article.likes_count).where(Article.id == article_id)
    return (
        update(Article)
        .where(Article.id == article_id)
        .values(ranking.moved_likes(change))
        .returning(Article.likes_count)
        .execution_options(synchronize_session=False)
    )


def like(user, article):
    """`user` likes `article` (commits). Returns the new LikeState."""
    _require_reactable(user, article)
    # Before the article, the liker's row and the author's: see notifications.hold.
    notifications.hold(user.id, article.author_id)
    lock_article_or_gone(article.id)
    with unless_gone():
        inserted = insert_ignoring_duplicates(
            Like, user_id=user.id, article_id=article.id, created_at=utcnow()
        )
        count = _move_likes_count(article, 1 if inserted else 0)
        if inserted:  # a like again tells nobody again
            notifications.liked(user, article.id)
        commit_keeping_loaded()
    return LikeState(liked=True, likes_count=count)


def unlike(user, article):
    """Take `user`'s like back, if there was one (commits). Returns the new LikeState."""
    permissions.require(user.is_authenticated, "article")
    hold_member_or_gone(user.id)
    lock_article_or_gone(article.id)
    removed = db.session.execute(
        delete(Like).where(Like.user_id == user.id, Like.article_id == article.id)
    ).rowcount
    count = _move_likes_count(article, -removed)
    if removed:
        notifications.unliked(user, article.id)
    commit_keeping_loaded()
    return LikeState(liked=False, likes_count=count)


def bookmark(user, article):
    """Put `article` on `user`'s reading list (commits)."""
    _require_reactable(user, article)
    with unless_gone():
        insert_ignoring_duplicates(
            Bookmark, user_id=user.id, article_id=article.id, created_at=utcnow()
        )
        commit_keeping_loaded()
    return BookmarkState(bookmarked=True)


def unbookmark(user, article):
    """Take `article` off `user`'s reading list (commits)."""
    permissions.require(user.is_authenticated, "article")
    db.session.execute(
        delete(Bookmark).where(Bookmark.user_id == user.id, Bookmark.article_id == article.id)
    )
    commit_keeping_loaded()
    return BookmarkState(bookmarked=False)


def marks(user, article):
    """(liked, bookmarked, follows its author) for `user` and `article`, in one statement
    (reader_marks'); all False for a visitor."""
    if not user.is_authenticated:
        return False, False, False
    return reader_marks.article_marks(user, article)


def forget_likes_by(user):
    """Before `user`'s account goes: take their likes off the counters (not committed).

    The like rows themselves go with the account (ON DELETE CASCADE); the
    counters (and Top scores) of other members' articles must drop with them.
    """
    db.session.execute(
        update(Article)
        .where(Article.id.in_(select(Like.article_id).where(Like.user_id == user.id)))
        .values(ranking.moved_likes(-1))
    )
