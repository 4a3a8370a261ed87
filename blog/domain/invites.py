"""Invitations: single-use links to sign up while sign-ups are by invitation only.

A link carries a random token; the table keeps its sha256 only. Using one is
a single conditional UPDATE in the sign-up's own transaction, so of two
sign-ups sent at once with the same link exactly one gets the account.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from ..events import security_event
from ..extensions import db
from ..models import Invite, User, utcnow
from ..runtime import settings
from . import permissions, site
from .errors import FieldError, NotFound
from .links import page_link

LIST_LIMIT = 50
# The API's words (RealWorld style); the sign-up page says more.
REQUIRED, UNUSABLE = "is required", "is invalid or used"


class InviteError(FieldError):
    """Sign-up needs an invitation, and none usable came with it. `code`: required/invalid."""


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def invite_link(token):
    """The address to send to the person invited."""
    return page_link("register", invite=token)


def create_invite(member):
    """A new invitation by `member`; returns (invite, token) (commits).

    The token is shown once, to its creator: only its hash is stored.
    """
    permissions.require(permissions.may_invite(member, site.current().members_invite),
                        "invite")
    token = secrets.token_urlsafe(24)
    now = utcnow()
    invite = Invite(token_hash=_hash(token), created_by_id=member.id, created_at=now,
                    expires_at=now + timedelta(days=settings["INVITE_DAYS"]))
    db.session.add(invite)
    db.session.commit()
    security_event("invite.created", user=member, invite_id=invite.id)
    return invite, token


def invites_of(member, limit=LIST_LIMIT):
    """`member`'s invitations, newest first, with who used each (name or None). One query."""
    return db.session.execute(
        select(Invite, User.username).outerjoin(User, User.id == Invite.used_by_id)
        .where(Invite.created_by_id == member.id)
        .order_by(Invite.created_at.desc(), Invite.id.desc()).limit(limit)
    ).all()


def revoke(member, invite_id):
    """Void an unused invitation of `member`'s (an admin voids anyone's) (commits)."""
    invite = db.session.get(Invite, invite_id)
    if invite is None:
        raise NotFound("invite")
    permissions.require(invite.created_by_id == member.id
                        or permissions.may_administer(member), "invite")
    if invite.used_at is None and invite.revoked_at is None:
        invite.revoked_at = utcnow()
        db.session.commit()
        security_event("invite.revoked", user=member, invite_id=invite.id)
    return invite


def _usable(now):
    return (Invite.used_at.is_(None), Invite.revoked_at.is_(None), Invite.expires_at > now)


def check_invite(token):
    """Raise InviteError unless `token` is an unused, unexpired invitation (reads only)."""
    if not token:
        raise InviteError("invite", REQUIRED, code="required")
    found = db.session.scalar(
        select(Invite.id).where(Invite.token_hash == _hash(token), *_usable(utcnow())))
    if found is None:
        raise InviteError("invite", UNUSABLE, code="invalid")


def use_invite(token, new_member):
    """Spend the invitation on `new_member` (no commit); InviteError if another took it.

    One UPDATE whose WHERE says "still unused": the database lets one
    sign-up through; the other updates nothing (PostgreSQL re-checks the row
    once the first commits; SQLite has one writer at a time).
    """
    now = utcnow()
    spent = db.session.execute(
        update(Invite).where(Invite.token_hash == _hash(token), *_usable(now))
        .values(used_at=now, used_by_id=new_member.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        raise InviteError("invite", UNUSABLE, code="invalid")
