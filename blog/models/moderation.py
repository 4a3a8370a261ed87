"""Reports from members and what moderators did about them."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .clock import utcnow

REPORT_REASONS = ("spam", "harassment", "off-topic", "other")


class Report(db.Model):
    """One member's report of one article, comment or member (exactly one of the three).

    Real foreign keys, not a (kind, id) pair: a deleted target takes its reports
    with it, and one member reports a thing once (the unique indexes; NULLs differ).
    """

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a moderator dismissed it or acted on its target.
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str] = mapped_column(String(12), default="", server_default="")

    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN article_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN comment_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN member_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
        CheckConstraint(
            "reason IN ('spam', 'harassment', 'off-topic', 'other')", name="reason"),
        Index("uq_reports_reporter_article", "reporter_id", "article_id", unique=True),
        Index("uq_reports_reporter_comment", "reporter_id", "comment_id", unique=True),
        Index("uq_reports_reporter_member", "reporter_id", "member_id", unique=True),
        # The queue: open reports, oldest first (a partial index: resolved ones pile up).
        Index("ix_reports_open", "created_at", sqlite_where=text("resolved_at IS NULL"),
              postgresql_where=text("resolved_at IS NULL")),
        # Resolving every open report of one target; a deleted target's cascade.
        Index("ix_reports_article_id", "article_id"),
        Index("ix_reports_comment_id", "comment_id"),
        Index("ix_reports_member_id", "member_id"),
    )


class ModerationAction(db.Model):
    """One line of the moderation log: who did what to whom, when and why.

    The target is named by kind, id and a label kept at the time, not a foreign
    key: the log outlives a deleted article or account.
    """

    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    target_kind: Mapped[str] = mapped_column(String(10))  # article, comment, member
    target_id: Mapped[int]
    target_label: Mapped[str] = mapped_column(String(200), default="")
    # The member the action affects (the author of hidden content, the suspended one).
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the action was undone (restoring what "remove as spam" hid).
    undone_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_moderation_actions_created_at", "created_at"),
        Index("ix_moderation_actions_subject_id_created_at", "subject_id", "created_at"),
        Index("ix_moderation_actions_moderator_id", "moderator_id"),
        # One target's history, on its moderation page.
        Index("ix_moderation_actions_target_kind_target_id", "target_kind", "target_id", "id"),
    )
