"""Email waiting to go out."""

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .clock import utcnow


class OutboxEmail(db.Model):
    """An email waiting to go out, written in the same transaction as its cause."""

    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    # Extra headers as a JSON object (List-Unsubscribe), "" for none.
    headers: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (Index("ix_outbox_emails_due", "sent_at", "next_attempt_at"),)
