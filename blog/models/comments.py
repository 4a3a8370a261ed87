"""Comments and their threads."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .clock import utcnow
from .members import User


class Shown:
    """Whether a comment is a "[deleted]" placeholder or hidden by the moderators: for the
    model and the plain rows a page reads (blog.domain.threads), spelled once."""

    __slots__ = ()

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def is_hidden(self):
        return self.hidden_at is not None


class Comment(Shown, db.Model):
    """A comment in Markdown; a reply points at the first comment of its thread.

    Deleting a comment that has replies keeps the row as a "[deleted]"
    placeholder (deleted_at set, body emptied), so the thread stays readable.
    """

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    # Replies by others outlive a deleted account: its comments lose their author.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # One level deep: always a top-level comment, never a reply.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]
    # Hidden by a moderator: shown as a placeholder to everyone but its author and
    # the moderators, until restored (blog.domain.moderation).
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    hidden_by_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderation_actions.id", ondelete="SET NULL"), index=True
    )

    author: Mapped[User | None] = relationship()

    # An article's threads (parent_id IS NULL) and a thread's replies, in the order written.
    __table_args__ = (
        Index("ix_comments_article_id_parent_id_id", "article_id", "parent_id", "id"),
        Index("ix_comments_parent_id_id", "parent_id", "id"),
        # The API's flat list (blog.domain.threads.in_reading_order): each thread
        # (coalesce(parent_id, id) is its top-level comment's id) followed by its replies,
        # placeholders left out, so its first API_MAX_COMMENTS come off the index in order.
        Index("ix_comments_article_id_thread_id_id",
              "article_id", func.coalesce(parent_id, id), "id",
              sqlite_where=text("deleted_at IS NULL"),
              postgresql_where=text("deleted_at IS NULL")),
    )

    def __repr__(self):
        return f"<Comment {self.id} on {self.article_id}>"
