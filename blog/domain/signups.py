"""Who may join, and how: open sign-ups, by invitation only, or closed (the admins'
approval of new members is blog.domain.approvals')."""

from ..extensions import db
from . import site
from .errors import FieldError
from .invites import check_invite, use_invite


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
