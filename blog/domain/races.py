"""What a write does when it loses a race with a deletion: NotFound (a 404), never a 500.

A like, a comment or a follow points at an article or a member. When that
row is deleted between the page loading it and the write, the database
refuses the new row (a foreign key, an IntegrityError), an UPDATE finds no
row (StaleDataError), or reading the saved object back finds it gone
(ObjectDeletedError). Each is the same answer to the member: it is gone.
"""

import functools
from contextlib import contextmanager

from sqlalchemy import Integer, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..models import Article, Comment, Like, User
from .errors import NotFound

GONE = "This has just been deleted."


def gone(resource="article"):
    """Refuse: what the operation was about was deleted meanwhile."""
    raise NotFound(resource, GONE)


@contextmanager
def unless_gone(resource="article"):
    """Run a write that only inserts rows pointing at others; NotFound when one of those went.

    Only for writes that cannot break a unique rule (they insert with ON
    CONFLICT DO NOTHING, or nothing unique at all): their IntegrityError
    can only be a foreign key to a row that was deleted meanwhile.
    """
    try:
        yield
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        gone(resource)


def lock_article(article_id):
    """Lock the article's row for this transaction before moving its counters; False if gone.

    Deleting an article locks its row first and then its comments and likes
    (ON DELETE CASCADE). A write that moves the article's counters locks the
    article first too: one order for both, so they wait for each other on
    PostgreSQL instead of deadlocking. (SQLite has one writer anyway.) Not left
    to a new row's foreign key (FOR KEY SHARE), even for a like: an edit that
    changes the slug (a key) raises its own lock past that one, and the like,
    waiting for the edit at its count's UPDATE, deadlocked with it (a review's
    finding, 2026-12-03).
    """
    return db.session.scalar(_article_locking(), {"article_id": article_id}) is not None


@functools.cache
def _article_locking():
    # Written once per process: every comment, like and their deletion asks it.
    return (select(Article.id).where(Article.id == bindparam("article_id", type_=Integer))
            .with_for_update(key_share=True))


def lock_article_or_gone(article_id):
    """lock_article(), refusing with NotFound when the article was deleted meanwhile."""
    if not lock_article(article_id):
        db.session.rollback()
        gone("article")


def hold_member_or_gone(user_id):
    """Hold the writing member's row (FOR KEY SHARE) before any other lock; NotFound if gone.

    The foreign key of a new comment or like would take this lock
    anyway, but only at the INSERT, after the article's lock. Deleting the
    account locks the member first and the articles after
    (lock_member_for_deletion): taken first here too, in the same order, the
    two wait for each other instead of deadlocking on PostgreSQL.
    """
    found = db.session.scalar(
        select(User.id).where(User.id == user_id).with_for_update(read=True, key_share=True)
    )
    if found is None:
        db.session.rollback()
        gone("user")


def lock_article_to_edit(article_id):
    """Lock the article's row before an edit reads what it replaces; False if it is gone.

    Two tabs saving at once both read the tags before either wrote: the
    second replaced the first one's links (none deleted, all inserted), and
    the article kept eight tags of two saves, or the retries ran out (a 500).
    Locked first, the second edit waits and then reads what the first saved.
    SQLite ignores FOR UPDATE: a write takes its one write lock instead.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        return db.session.execute(
            update(Article).where(Article.id == article_id).values(slug=Article.slug)
            .execution_options(synchronize_session=False)
        ).rowcount == 1
    return lock_article(article_id)


def lock_member_for_deletion(user_id):
    """Before reading what a member owns to delete it: wait for their writes in flight.

    A comment, like or follow being saved holds a lock on the member's row
    (its foreign key) until it commits. FOR UPDATE waits for those and then
    sees them; one that comes later waits for the deletion and then finds
    the member gone (NotFound). Without this, a comment committed between the
    deletion's reads and its DELETE outlived the account, with no author.
    SQLite ignores FOR UPDATE and starts no transaction on a SELECT: a write
    takes its one write lock, so nobody commits in between.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(User).where(User.id == user_id).values(username=User.username)
            .execution_options(synchronize_session=False)
        )
    else:
        db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def lock_articles_touched_by(user_id):
    """Before deleting an account: lock every article the deletion changes, in id order.

    Its own articles go, and the counters of those it commented on or liked
    move. Locked one by one as the deletion reached them, two accounts deleted
    at once locked the same articles in different orders and deadlocked on
    PostgreSQL; a comment or a like locks one article, so any order suits it.
    """
    touched = (
        select(Comment.article_id).where(Comment.author_id == user_id)
        .union(select(Like.article_id).where(Like.user_id == user_id))
    )
    db.session.execute(
        select(Article.id)
        .where((Article.author_id == user_id) | Article.id.in_(touched))
        .order_by(Article.id)
        .with_for_update(key_share=True)
    )
