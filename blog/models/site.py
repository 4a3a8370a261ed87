"""What the admins set for the whole site, and the invitations to join it."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .clock import utcnow


class SiteSetting(db.Model):
    """One setting the admins chose (blog.domain.site names them and their defaults).

    A row per key, not a column per setting: a new setting needs no migration,
    and an upgrade never touches the values a self-hoster set.
    """

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))


class SiteCount(db.Model):
    """A number about the whole site that writes keep up to date, so that it is read and
    never counted: the published articles (blog.domain.published_counts)."""

    __tablename__ = "site_counts"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0, server_default="0")


class Invite(db.Model):
    """A single-use link to sign up while sign-ups are by invitation only.

    Only the sha256 of the token is kept: a copy of the database is no
    handful of working invitations.
    """

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    __table_args__ = (
        # A member's own invitations, newest first.
        Index("ix_invites_created_by_id_created_at", "created_by_id", "created_at"),
        Index("ix_invites_used_by_id", "used_by_id"),
    )

    @property
    def status(self):
        """"used", "revoked", "expired" or "open"."""
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= utcnow() else "open"
