"""The rules of comments: write, reply, edit, delete (reading them: blog/threads.py).

Pages and the JSON API both call these functions; none of them knows about
forms. Who may do what is asked of blog.domain.permissions (a refusal is a 403).
Functions that change data commit their own transaction, and move
Article.comments_count in it: the counter always equals the article's
comments that are not "[deleted]" placeholders.

Threads are one level deep: a reply points at the top-level comment of its
thread. Every change to a thread first locks that top-level row (SELECT ...
FOR UPDATE on PostgreSQL; SQLite has one writer anyway), so a reply cannot
slip under a comment that is being removed, and a placeholder is removed only
when it really has no replies left.
"""

import functools

from sqlalchemy import Integer, bindparam, delete, exists, func, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Article, Comment, utcnow
from . import notifications, permissions
from .errors import FieldError
from .markdown import render_markdown
from .races import lock_article, lock_article_or_gone, unless_gone
from .rows import commit_keeping_loaded

MAX_BODY = 10_000
EMPTY_BODY = "Write something in your comment."
LONG_BODY = f"Use at most {MAX_BODY:,} characters."
NOT_PUBLISHED = "Comments open once the article is published."
# Without this, ORM-enabled UPDATE/DELETE would first SELECT what to sync in
# the session; every function here commits (which expires the session) instead.
NO_SYNC = {"synchronize_session": False}


class CommentError(FieldError):
    """A comment that cannot be saved as given; `field` names the culprit."""


# --- checks shared by forms and the API -------------------------------------


def clean_body(body):
    """The body with browser line endings normalised; raises CommentError when unusable."""
    body = (body or "").replace("\r\n", "\n")
    if not body.strip():
        raise CommentError("body", EMPTY_BODY, code="blank")
    if len(body) > MAX_BODY:
        raise CommentError("body", LONG_BODY)
    return body


def require_may_comment(user, article):
    """Abort with 403 unless `user` may comment on `article`."""
    permissions.require_may_write(user)
    permissions.require(permissions.can_comment(user, article), "article", NOT_PUBLISHED)


# --- reading ------------------------------------------------------------------


def get_comment(comment_id):
    """The comment with this id (placeholders included), or None."""
    return db.session.get(Comment, comment_id)


def article_of(comment):
    """The article a comment belongs to."""
    return db.session.get(Article, comment.article_id)


# --- writing --------------------------------------------------------------------

# Written once per process with parameters, the statements every comment and deletion
# runs: building them took longer than running them, with SQLite's one writer waiting.


@functools.cache
def _thread_locking():
    return (select(Comment.id)
            .where(Comment.id == bindparam("root_id", type_=Integer),
                   Comment.article_id == bindparam("article_id", type_=Integer))
            .with_for_update())


@functools.cache
def _count_moving():
    return (update(Article)
            .where(Article.id == bindparam("article_id", type_=Integer))
            .values(comments_count=Article.comments_count + bindparam("change", type_=Integer),
                    comments_changes=Article.comments_changes + 1)
            .returning(Article.comments_count)
            .execution_options(**NO_SYNC))


@functools.cache
def _replies_asking():
    return select(exists().where(Comment.parent_id == bindparam("comment_id", type_=Integer)))


@functools.cache
def _live_deleting():
    return (delete(Comment)
            .where(Comment.id == bindparam("comment_id", type_=Integer),
                   Comment.deleted_at.is_(None))
            .execution_options(**NO_SYNC))



def _lock_thread(root_id, article_id):
    """Lock a thread's top-level comment for this transaction; False when it is gone."""
    locked = _thread_locking()
    return db.session.scalar(locked, {"root_id": root_id, "article_id": article_id}) is not None


def _thread_root_for_reply(article, parent_id):
    """The top-level comment a reply to parent_id belongs under, locked; raises CommentError."""
    parent = db.session.execute(
        select(Comment.id, Comment.parent_id, Comment.article_id).where(Comment.id == parent_id)
    ).one_or_none()
    if parent is not None and parent.article_id != article.id:
        raise CommentError("parent_id", "You can only reply to comments on this article.")
    gone = CommentError("parent_id", "The comment you replied to has been deleted.")
    if parent is None:
        raise gone
    # A reply to a reply joins the thread of the comment it answers: one level deep.
    root_id = parent.parent_id or parent.id
    if not _lock_thread(root_id, article.id):
        raise gone
    return root_id


def _move_count(article_id, change):
    """Add `change` to the article's comments_count, in the current transaction.

    Returns the new count (None when `change` is 0: nothing moved).
    """
    if change:
        return db.session.scalar(_count_moving(),
                                 {"article_id": article_id, "change": change})
    return None


def add_comment(author, article, body, parent_id=None):
    """Save a comment, or a reply in the thread of parent_id (commits). Returns it.

    The comment, its author and the article (with its new comments_count)
    stay loaded after the commit: the answer is made from them.
    """
    require_may_comment(author, article)
    body = clean_body(body)
    # The member, the article, the thread: the order in which deleting them locks them.
    # The writer's row and those of the members told (notifications.hold) come first.
    told = notifications.hold(author.id, article.author_id, parent_id, body)
    lock_article_or_gone(article.id)
    root_id = None if parent_id is None else _thread_root_for_reply(article, parent_id)
    now = utcnow()
    comment = Comment(
        article_id=article.id,
        author_id=author.id,
        parent_id=root_id,
        body=body,
        # Rendered here, once: viewing never runs the Markdown parser.
        body_html=render_markdown(body),
        created_at=now,
        updated_at=now,
    )
    with unless_gone():  # the article may have been deleted meanwhile
        db.session.add(comment)
        set_committed_value(article, "comments_count", _move_count(article.id, 1))
        notifications.commented(author, comment.id, article.id, told)
        commit_keeping_loaded()
    return comment


def edit_comment(comment, editor, body):
    """Save a new body for the comment, by its author (commits). Returns it."""
    permissions.require(permissions.can_edit_comment(editor, comment), "comment")
    body = clean_body(body)
    # Only while it is live: a deletion that won the race keeps its placeholder empty.
    saved = db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.deleted_at.is_(None))
        .values(body=body, body_html=render_markdown(body), updated_at=utcnow())
        .execution_options(**NO_SYNC)
    ).rowcount
    if not saved:
        db.session.rollback()
        raise CommentError("body", "This comment has just been deleted.")
    db.session.commit()
    return comment


def _has_replies(comment_id):
    return db.session.scalar(_replies_asking(), {"comment_id": comment_id})


def _make_placeholder(comment_ids):
    """Turn live comments into "[deleted]" placeholders; returns how many changed."""
    return db.session.execute(
        update(Comment)
        .where(Comment.id.in_(comment_ids), Comment.deleted_at.is_(None))
        .values(deleted_at=utcnow(), body="", body_html="", author_id=None)
        .execution_options(**NO_SYNC)
    ).rowcount


def _remove_empty_placeholders(comment_ids):
    """Delete those of comment_ids that are placeholders without replies left."""
    reply = aliased(Comment)
    db.session.execute(
        delete(Comment)
        .where(
            Comment.id.in_(comment_ids),
            Comment.deleted_at.is_not(None),
            ~exists().where(reply.parent_id == Comment.id),
        )
        .execution_options(**NO_SYNC)
    )


def delete_comment(comment, actor):
    """Delete a comment (commits).

    One with replies stays as a "[deleted]" placeholder so its thread reads on;
    a placeholder goes when its last reply goes.
    """
    permissions.require_delete_comment(actor, comment)
    comment_id, article_id, root_id = comment.id, comment.article_id, comment.parent_id
    if not (lock_article(article_id) and _lock_thread(root_id or comment_id, article_id)):
        db.session.rollback()  # deleted meanwhile, with its thread: nothing left to do
        return
    if root_id is None and _has_replies(comment_id):
        removed = _make_placeholder([comment_id])
        notifications.comment_removed(comment_id)  # the row stays: no cascade
    else:
        removed = db.session.execute(_live_deleting(),
                                     {"comment_id": comment_id}).rowcount
        if root_id is not None:
            _remove_empty_placeholders([root_id])
    _move_count(article_id, -removed)
    db.session.commit()


def remove_comments_by(user):
    """Remove a member's comments before their account goes (does not commit).

    Their comments that others replied to stay as "[deleted]" placeholders,
    with the replies; the rest are deleted. Called by
    blog.domain.accounts.delete_account, in the same transaction.
    """
    mine = Comment.author_id == user.id
    replied_to = db.session.scalars(
        select(Comment.parent_id).where(mine, Comment.parent_id.is_not(None)).distinct()
    ).all()
    # Every thread this touches, locked in id order (two deletions never wait on each other).
    roots = db.session.scalars(
        select(Comment.id)
        .where((mine & Comment.parent_id.is_(None)) | Comment.id.in_(replied_to))
        .order_by(Comment.id)
        .with_for_update()
    ).all()
    if not roots:
        return
    live = mine & Comment.deleted_at.is_(None)
    per_article = (
        select(func.count(Comment.id))
        .where(live, Comment.article_id == Article.id)
        .scalar_subquery()
    )
    db.session.execute(
        update(Article)
        .where(Article.id.in_(select(Comment.article_id).where(live)))
        .values(comments_count=Article.comments_count - per_article,
                comments_changes=Article.comments_changes + 1)
        .execution_options(**NO_SYNC)
    )
    db.session.execute(
        delete(Comment).where(mine, Comment.parent_id.is_not(None)).execution_options(**NO_SYNC)
    )
    reply = aliased(Comment)
    answered = db.session.scalars(
        select(Comment.id).where(
            mine, Comment.parent_id.is_(None), exists().where(reply.parent_id == Comment.id)
        )
    ).all()
    _make_placeholder(answered)
    db.session.execute(delete(Comment).where(mine).execution_options(**NO_SYNC))
    _remove_empty_placeholders(replied_to)
