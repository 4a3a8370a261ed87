"""Reading an article's comments a page at a time: threads for the page, a list for the API.

However long a discussion grows, a page holds a fixed number of threads
(top-level comments), each with its first replies, and costs one SQL
statement. "Show more" links carry where to go on (the id of the next
thread or reply: ids grow with time, so they are also the order), which
stays right while new comments arrive, and any depth costs the same.
"""

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Integer, and_, bindparam, func, null, select, union_all
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Comment, Named, Shown, User


@dataclass(slots=True)
class Writer(Named):
    """A comment's author as the page shows them, and what the moderation rules ask."""

    id: int
    username: str
    display_name: str | None
    image_url: str | None
    role: str


@dataclass(slots=True)
class ShownComment(Shown):
    """A comment of a page of threads, read as a plain row (the attribute names of
    blog.models.Comment): building 40 Comment and User objects cost more than reading
    them. `author` is None once the account is deleted."""

    id: int
    article_id: int
    author_id: int | None
    parent_id: int | None
    body_html: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    hidden_at: datetime | None
    hidden_reason: str
    author: Writer | None


@dataclass
class Thread:
    """A top-level comment (maybe a "[deleted]" placeholder) and the replies shown, oldest first.

    `more_replies` replies follow the ones shown; the first of them is `next_reply_id`.
    """

    comment: ShownComment
    replies: list[ShownComment] = field(default_factory=list)
    more_replies: int = 0
    next_reply_id: int | None = None

    def holds(self, comment_id):
        """True when comment_id is this thread's top-level comment or one of its shown replies."""
        return comment_id == self.comment.id or any(r.id == comment_id for r in self.replies)


@dataclass
class ThreadPage:
    """The threads one page shows; more threads start at `next_thread_id` (None: no more)."""

    threads: list[Thread] = field(default_factory=list)
    next_thread_id: int | None = None


# Larger than any row id: "no limit" where a limit must be a value (an index range).
NO_LIMIT = 2**63 - 1


def _threads_statement(roots, from_reply):
    """The statement reading the threads whose top-level ids `roots` selects, each with
    up to :replies_shown replies (from :replies_from with `from_reply`).

    One statement, whose rows do not grow with the discussion: per thread it
    finds, on the (parent_id, id) index, the last reply to read (one more than
    shown: where "Show more replies" starts) and counts the replies there, and
    then reads those comments alone. Written once per process for each shape, the
    article, ids and sizes as parameters: building it cost more than running it.
    """
    root, reply = roots.subquery(), aliased(Comment)
    replies_from = bindparam("replies_from", type_=Integer)

    def replies(column):
        found = select(column).where(reply.parent_id == root.c.id).correlate(root)
        return found.where(reply.id >= replies_from) if from_reply else found

    # A thread's replies are counted (index only) beside its top-level comment, and read
    # up to the last one needed beside the replies: each subquery is evaluated once a thread.
    size = replies(func.count(reply.id)).scalar_subquery()
    last = (replies(reply.id).order_by(reply.id)
            .offset(bindparam("replies_shown", type_=Integer)).limit(1))
    first_replies = select(Comment.id, null()).join(root, and_(
        Comment.parent_id == root.c.id,
        Comment.id <= func.coalesce(last.scalar_subquery(), NO_LIMIT),
        Comment.id >= (replies_from if from_reply else 0),
    ))
    shown = union_all(select(root.c.id, size.label("size")), first_replies).subquery()
    return (
        select(*COMMENT_COLUMNS, *WRITER_COLUMNS, shown.c.size)
        .join(shown, shown.c.id == Comment.id)
        .outerjoin(User, User.id == Comment.author_id)
        .order_by(Comment.id)
    )


COMMENT_COLUMNS = (Comment.id, Comment.article_id, Comment.author_id, Comment.parent_id,
                   Comment.body_html, Comment.created_at, Comment.updated_at,
                   Comment.deleted_at, Comment.hidden_at, Comment.hidden_reason)
WRITER_COLUMNS = (User.id, User.username, User.display_name, User.image_url, User.role)
_WRITER_AT = len(COMMENT_COLUMNS)
_SIZE_AT = _WRITER_AT + len(WRITER_COLUMNS)


def _shown(row):
    writer = Writer(*row[_WRITER_AT:_SIZE_AT]) if row[_WRITER_AT] is not None else None
    return ShownComment(*row[:_WRITER_AT], writer)


def _threads(statement, parameters, replies_shown):
    """Run a _threads_statement(): the Threads it reads, oldest first."""
    rows = db.session.execute(statement, parameters | {"replies_shown": replies_shown})
    threads = {}
    for row in rows:  # by id: a top-level comment comes before its replies
        comment, replies_count = _shown(row), row[_SIZE_AT]
        if comment.parent_id is None:
            more = max(0, replies_count - replies_shown)
            threads[comment.id] = Thread(comment, more_replies=more)
            continue
        thread = threads[comment.parent_id]
        if len(thread.replies) < replies_shown:
            thread.replies.append(comment)
        else:
            thread.next_reply_id = comment.id
    return list(threads.values())


@functools.cache
def _page_statement(from_thread):
    roots = (
        select(Comment.id)
        .where(Comment.article_id == bindparam("article_id", type_=Integer),
               Comment.parent_id.is_(None))
        # parent_id (NULL throughout) is the index's order (article_id, parent_id, id): by
        # id alone, PostgreSQL sorted every thread of the article, or walked all comments.
        .order_by(Comment.parent_id, Comment.id)
        .limit(bindparam("threads", type_=Integer))  # one more: where "Show more" starts
    )
    if from_thread:
        roots = roots.where(Comment.id >= bindparam("first_thread_id", type_=Integer))
    return _threads_statement(roots, from_reply=False)


@functools.cache
def _one_thread_statement(from_reply):
    roots = select(Comment.id).where(
        Comment.id == bindparam("thread_id", type_=Integer),
        Comment.article_id == bindparam("article_id", type_=Integer),
        Comment.parent_id.is_(None),
    )
    return _threads_statement(roots, from_reply)


def page_of_threads(article, first_thread_id=None, *, per_page, replies_shown):
    """`per_page` threads from `first_thread_id` on (the oldest unless given), oldest first.

    No statement at all when the counter says there are no comments: a
    placeholder only lives while it has replies, which count.
    """
    if not article.comments_count:
        return ThreadPage()
    parameters = {"article_id": article.id, "threads": per_page + 1}
    if first_thread_id:
        parameters["first_thread_id"] = first_thread_id
    threads = _threads(_page_statement(bool(first_thread_id)), parameters, replies_shown)
    if len(threads) > per_page:
        return ThreadPage(threads[:per_page], threads[per_page].comment.id)
    return ThreadPage(threads)


def one_thread(article, thread_id, replies_from=None, *, replies_shown):
    """The thread `thread_id` of `article` alone, with `replies_shown` replies from `replies_from`.

    An empty page when there is no such thread (deleted, or on another article).
    """
    parameters = {"thread_id": thread_id, "article_id": article.id}
    if replies_from:
        parameters["replies_from"] = replies_from
    return ThreadPage(_threads(_one_thread_statement(bool(replies_from)), parameters,
                               replies_shown))


class CommentAuthor(NamedTuple):
    """Who wrote a listed comment: what a profile in the API shows."""

    username: str
    bio: str
    image_url: str


class ListedComment(NamedTuple):
    """A comment of the API's flat list: its columns as plain values, no ORM object."""

    id: int
    created_at: datetime
    updated_at: datetime
    body: str
    hidden_at: datetime | None
    author_id: int
    author: CommentAuthor

    @property
    def is_hidden(self):
        return self.hidden_at is not None


def in_reading_order(article, limit):
    """The article's comments without "[deleted]" placeholders, a reply after what it answers.

    At most `limit` of them (ListedComment), the oldest threads first; one
    statement, whose order is the index ix_comments_article_id_thread_id_id's
    (coalesce(parent_id, id) is the thread's id): it reads `limit` rows however
    long the discussion. Plain rows: building 100 comments and their authors as
    ORM objects was most of the cost of answering a long discussion.
    """
    if not article.comments_count:
        return []
    rows = db.session.execute(_reading_order_statement(),
                              {"article_id": article.id, "limit": limit})
    # A comment without an author is a "[deleted]" one (their deletion empties it too).
    return [ListedComment(*row[:6], CommentAuthor(*row[6:])) for row in rows
            if row[5] is not None]


@functools.cache
def _reading_order_statement():
    # Written once per process: the article and the limit are its parameters.
    return (
        select(Comment.id, Comment.created_at, Comment.updated_at, Comment.body,
               Comment.hidden_at, Comment.author_id, User.username, User.bio, User.image_url)
        .outerjoin(User, User.id == Comment.author_id)
        .where(Comment.article_id == bindparam("article_id", type_=Integer),
               Comment.deleted_at.is_(None))
        .order_by(func.coalesce(Comment.parent_id, Comment.id), Comment.id)
        .limit(bindparam("limit", type_=Integer))
    )


def versions(comment_ids):
    """{id: (updated_at, hidden_at)} of those of `comment_ids` not deleted, as they are now:
    one statement. A comment drawn or encoded earlier was drawn from the same version
    (version()) unless it was edited, hidden, restored or deleted since."""
    if not comment_ids:
        return {}
    rows = db.session.execute(_versions_statement(), {"ids": list(comment_ids)})
    return {row[0]: (row[1], row[2]) for row in rows}


def version(comment):
    """What versions() gives for `comment` (a ShownComment or ListedComment) when it is
    as it was read."""
    return comment.updated_at, comment.hidden_at


@functools.cache
def _versions_statement():
    return select(Comment.id, Comment.updated_at, Comment.hidden_at).where(
        Comment.id.in_(bindparam("ids", expanding=True)), Comment.deleted_at.is_(None))
