"""The demo members' notifications: what the seeded comments, likes and follows would
have told them, so the bell on `make run`'s demo is in use from the first login.

Rows as blog.domain.notifications writes them (never for one's own action), made
from what was seeded, the newest few of each kind per demo member. The newest
UNREAD of each member's are unread; every one counts as emailed already: a demo
sends no burst of emails about the past.
"""

from sqlalchemy import null, select
from sqlalchemy.orm import aliased

from ..models import Article, Comment, Follow, Like, Notification, User
from .bulk import insert_rows

PER_KIND = 4  # the newest this many comments, replies, likes and follows each
UNREAD = 6


def _comments(member_id):
    on_theirs = (
        select(Comment.author_id, Comment.article_id, Comment.id, Comment.created_at)
        .join(Article, Article.id == Comment.article_id)
        .where(Article.author_id == member_id, Comment.author_id != member_id,
               Comment.deleted_at.is_(None), Comment.parent_id.is_(None))
    )
    parent = aliased(Comment)
    replies = (
        select(Comment.author_id, Comment.article_id, Comment.id, Comment.created_at)
        .join(parent, parent.id == Comment.parent_id)
        .where(parent.author_id == member_id, Comment.author_id != member_id,
               Comment.deleted_at.is_(None))
    )
    return [("comment", on_theirs), ("reply", replies)]


def _likes(member_id):
    return select(Like.user_id, Like.article_id, null(), Like.created_at).join(
        Article, Article.id == Like.article_id
    ).where(Article.author_id == member_id, Like.user_id != member_id)


def _follows(member_id):
    return select(Follow.follower_id, null(), null(), Follow.created_at).where(
        Follow.followed_id == member_id)


def add_notifications(connection, usernames):
    """Notifications for the members named `usernames` (those with none yet); how many."""
    told_before = select(Notification.id).where(Notification.recipient_id == User.id)
    members = connection.execute(  # a second run tells nobody twice
        select(User.id).where(User.username.in_(usernames), ~told_before.exists())
        .order_by(User.id)).scalars()
    rows = []
    for member_id in members:
        told = []
        for kind, query in [*_comments(member_id), ("like", _likes(member_id)),
                            ("follow", _follows(member_id))]:
            newest = query.order_by(query.selected_columns[3].desc()).limit(PER_KIND)
            told += [{"recipient_id": member_id, "kind": kind, "actor_id": actor,
                      "article_id": article, "comment_id": comment, "created_at": at,
                      "emailed_at": at, "read_at": None}
                     for actor, article, comment, at in connection.execute(newest)]
        told.sort(key=lambda row: row["created_at"], reverse=True)
        for row in told[UNREAD:]:
            row["read_at"] = row["created_at"]
        rows += told
    insert_rows(connection, Notification.__table__, rows)
    return len(rows)
