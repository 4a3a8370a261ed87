"""Mutes: a member stops seeing another member or a tag. Private to the member who mutes."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .clock import utcnow


class MemberMute(db.Model):
    """user no longer sees muted's articles in their feeds, nor their comments unfolded."""

    __tablename__ = "member_mutes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # Indexed for the cascade when the muted member's account is deleted.
    muted_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("user_id <> muted_id", name="not_self"),)


class TagMute(db.Model):
    """user no longer sees articles with this tag in their feeds (but on the tag's own page)."""

    __tablename__ = "tag_mutes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
