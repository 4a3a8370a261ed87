"""Telling the admins that a new member waits for their approval (blog.domain.approvals).

One email per burst, not one per sign-up: when a member confirms their address
and nobody else confirmed while waiting in the last hour, each admin gets one
email pointing at the list of those who wait. A flood of sign-ups is then one
email an hour, and a quiet site still hears of its first newcomer at once.
"""

from datetime import timedelta

from sqlalchemy import exists, select

from ..extensions import db
from ..models import User, utcnow
from .links import page_link
from .outbox import queue_email

QUIET_HOURS = timedelta(hours=1)


def tell_admins_someone_waits(member):
    """Queue the admins' email when `member` is the first to wait for approval in an hour."""
    others_waiting = db.session.scalar(select(exists().where(
        User.awaiting_approval, User.id != member.id,
        User.email_verified_at > utcnow() - QUIET_HOURS)))
    if others_waiting:
        return
    admins = db.session.scalars(select(User).where(
        User.role == "admin", User.banned_at.is_(None),
        User.email_verified_at.is_not(None))).all()
    waiting_url = page_link("members", status="awaiting")
    for admin in admins:
        queue_email(admin.email, "A new member is waiting for your approval", "awaiting_approval",
                    admin=admin, member=member, waiting_url=waiting_url)
