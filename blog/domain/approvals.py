"""The admins' approval of new members, when the site asks for it (blog.domain.site):
until approved, a new member confirms their address but cannot log in."""

from ..events import security_event
from ..extensions import db
from . import permissions, site, uploads
from .accounts import remove_account
from .errors import Forbidden
from .links import page_link
from .outbox import queue_email


def _require_waiting(admin, member):
    permissions.require(permissions.may_administer(admin), "member")
    if member is None or not member.awaiting_approval:
        raise Forbidden("member", "This member is not awaiting approval.")


def approve(admin, member):
    """Let a new member in, and tell them by email (commits)."""
    _require_waiting(admin, member)
    member.awaiting_approval = False
    queue_email(member.email, f"Welcome to {site.current().name}", "approved",
                member=member, login_url=page_link("login"), site_name=site.current().name)
    db.session.commit()
    security_event("member.approved", user=admin, member_id=member.id)


def refuse(admin, member):
    """Refuse a new member: their account goes, with everything it has (commits)."""
    _require_waiting(admin, member)
    member_id = member.id
    pictures = uploads.names_of(member_id)
    remove_account(member)
    db.session.commit()
    uploads.forget_files(pictures)
    security_event("member.refused", user=admin, member_id=member_id)
