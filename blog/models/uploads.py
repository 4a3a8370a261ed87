"""Uploaded pictures: which member uploaded which stored file, for what, and how big."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .clock import utcnow

UPLOAD_KINDS = ("avatar", "cover", "inline")


class Upload(db.Model):
    """One member's use of one stored picture (named by the SHA-256 of its bytes).

    The file itself is stored once however many rows name it (blog/domain/upload_storage.py).
    """

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))
    extension: Mapped[str] = mapped_column(String(5))
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int]
    height: Mapped[int]
    bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("owner_id", "sha256", "kind"),
        # The member's usage and rate (owner, newest first) and the file's other users.
        Index("ix_uploads_owner_id_created_at", "owner_id", "created_at"),
        Index("ix_uploads_sha256", "sha256"),
    )

    @property
    def name(self):
        """The stored file's name, as /media/<name> serves it."""
        return f"{self.sha256}.{self.extension}"
