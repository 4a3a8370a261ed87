"""Reading an article's comments a page at a time: threads for the page, a list for the API.

However long a discussion grows, a page holds a fixed number of threads
(top-level comments), each with its first replies, and costs one SQL
statement. "Show more" links carry where to go on (the id of the next
thread or reply: ids grow with time, so they are also the order), which
stays right while new comments arrive, and any depth costs the same.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Comment


@dataclass
class Thread:
    """A top-level comment (maybe a "[deleted]" placeholder) and the replies shown, oldest first.

    `more_replies` replies follow the ones shown; the first of them is `next_reply_id`.
    """

    comment: Comment
    replies: list[Comment] = field(default_factory=list)
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


def _threads(article, roots, replies_from, replies_shown):
    """The threads whose top-level ids `roots` selects, each with up to `replies_shown` replies.

    One statement: each comment is ranked in its thread (the top-level one
    first, as the oldest) and counted with its thread, and only the first
    ranks are read, so a thread of thousands of replies reads a few rows.
    """
    thread_id = func.coalesce(Comment.parent_id, Comment.id)
    replies = Comment.parent_id.in_(roots)
    if replies_from:
        replies = replies & (Comment.id >= replies_from)
    ranked = (
        select(
            Comment.id,
            func.row_number().over(partition_by=thread_id, order_by=Comment.id).label("rank"),
            func.count().over(partition_by=thread_id).label("size"),
        )
        .where(Comment.article_id == article.id, or_(Comment.id.in_(roots), replies))
        .subquery()
    )
    rows = db.session.execute(
        select(Comment, ranked.c.rank, ranked.c.size)
        .join(ranked, ranked.c.id == Comment.id)
        # One more reply than shown: where "Show more replies" starts.
        .where(ranked.c.rank <= replies_shown + 2)
        .options(joinedload(Comment.author))
        .order_by(Comment.id)
    )
    threads = {}
    for comment, rank, size in rows:
        if rank == 1:
            threads[comment.id] = Thread(comment, more_replies=max(0, size - 1 - replies_shown))
        elif rank <= replies_shown + 1:
            threads[comment.parent_id].replies.append(comment)
        else:
            threads[comment.parent_id].next_reply_id = comment.id
    return list(threads.values())


def page_of_threads(article, first_thread_id=None, *, per_page, replies_shown):
    """`per_page` threads from `first_thread_id` on (the oldest unless given), oldest first.

    No statement at all when the counter says there are no comments: a
    placeholder only lives while it has replies, which count.
    """
    if not article.comments_count:
        return ThreadPage()
    roots = (
        select(Comment.id)
        .where(Comment.article_id == article.id, Comment.parent_id.is_(None))
        .order_by(Comment.id)
        .limit(per_page + 1)  # one more: where "Show more comments" starts
    )
    if first_thread_id:
        roots = roots.where(Comment.id >= first_thread_id)
    threads = _threads(article, roots, None, replies_shown)
    if len(threads) > per_page:
        return ThreadPage(threads[:per_page], threads[per_page].comment.id)
    return ThreadPage(threads)


def one_thread(article, thread_id, replies_from=None, *, replies_shown):
    """The thread `thread_id` of `article` alone, with `replies_shown` replies from `replies_from`.

    An empty page when there is no such thread (deleted, or on another article).
    """
    roots = select(Comment.id).where(
        Comment.id == thread_id, Comment.article_id == article.id, Comment.parent_id.is_(None)
    )
    return ThreadPage(_threads(article, roots, replies_from, replies_shown))


def in_reading_order(article, limit):
    """The article's comments without "[deleted]" placeholders, a reply after what it answers.

    At most `limit` of them, the oldest threads first; one statement.
    """
    if not article.comments_count:
        return []
    return db.session.scalars(
        select(Comment)
        .where(Comment.article_id == article.id, Comment.deleted_at.is_(None))
        .options(joinedload(Comment.author))
        .order_by(func.coalesce(Comment.parent_id, Comment.id), Comment.id)
        .limit(limit)
    ).all()
