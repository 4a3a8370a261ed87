"""Who may join, and how: open sign-ups, by invitation only, or closed; and the admins'
approval of new members when the site asks for it."""

from ..events import security_event
from ..extensions import db
from . import permissions, site
from .errors import FieldError, Forbidden
from .invites import check_invite, use_invite
from .links import page_link
from .outbox import queue_email


class SignupClosed(FieldError):
    """The admins closed sign-ups."""

    def __init__(self):
        super().__init__("signup", "is closed", code="closed")


def admit(invite_token):
    """The site's settings when a sign-up (with this invitation, or None) may go on.

    Raises SignupClosed, or InviteError when the site is invite-only and the
    invitation is missing, unknown, used, revoked or expired. Reads only.
    """
    settings = site.current()
    if settings.closed:
        raise SignupClosed()
    if settings.invite_only:
        check_invite(invite_token)
    return settings


def spend_invite(settings, invite_token, account):
    """Spend the invitation on the new account, in its transaction (invite-only sites)."""
    if settings.invite_only:
        try:
            use_invite(invite_token, account)
        except FieldError:
            db.session.rollback()  # the account goes too: no member without an invitation
            raise


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
    from .accounts import remove_account  # accounts calls admit() at sign-up

    _require_waiting(admin, member)
    member_id = member.id
    remove_account(member)
    db.session.commit()
    security_event("member.refused", user=admin, member_id=member_id)
