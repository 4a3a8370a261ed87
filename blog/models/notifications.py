"""Notifications: what happened to a member's articles, comments and profile, and their
choices about which ones they want (in the site, by email)."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .clock import utcnow

NOTIFICATION_KINDS = ("comment", "reply", "follow", "like", "mention", "article")
UNREAD = text("read_at IS NULL")
UNEMAILED = text("emailed_at IS NULL")


class Notification(db.Model):
    """`actor` did `kind` to `recipient` (on `article`, in `comment`).

    Rows go with the actor, the article and the comment (ON DELETE CASCADE):
    a deleted member's actions notify no one, a deleted comment leaves no trace.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # When the email that told of it was queued (or it was decided none would be).
    emailed_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("kind IN ('comment', 'reply', 'follow', 'like', 'mention', 'article')",
                        name="kind"),
        CheckConstraint("recipient_id <> actor_id", name="not_self"),
        # The page, newest first.
        Index("ix_notifications_recipient_id_created_at", "recipient_id", "created_at"),
        # The bell's count and "Mark all read".
        Index("ix_notifications_unread", "recipient_id",
              sqlite_where=UNREAD, postgresql_where=UNREAD),
        # The email sweep: what no email has told of yet.
        Index("ix_notifications_unemailed", "created_at",
              sqlite_where=UNEMAILED, postgresql_where=UNEMAILED),
    )


class NotificationPref(db.Model):
    """A member's choice for one kind; without a row, the defaults of blog.domain.notifications."""

    __tablename__ = "notification_prefs"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    in_site: Mapped[bool] = mapped_column(Boolean)
    by_email: Mapped[bool] = mapped_column(Boolean)
    # The last email of this kind: at most one an hour.
    last_emailed_at: Mapped[datetime | None]
