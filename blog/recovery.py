"""'This wasn't me': the link in a change notice takes the account back.

Pressing the button on the page the link opens ends every login session and
API token of the account, puts back the address the notice went to (when the
email was changed), makes the current password unusable and sends a reset
link to that address.

Why a leaked old notice is no weapon: the link carries a stamp of the
account's password date and email (blog.tokens.account_stamp) and works only
while both are as the change left them, for NOT_ME_TOKEN_MAX_AGE (7 days).
Any later change by the owner (a new password, another address, a reset, or
using the link once) voids it. What remains is the owner of the old address
reclaiming the account within those days, before any other change: that
address was the account's own until the change, and the notice exists for
exactly that. An owner who leaves an address because someone else reads it
should change the password afterwards, which voids the notice.
"""

import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.exc import IntegrityError

from . import accounts, passwords, sessions
from .events import security_event
from .extensions import db
from .models import User, utcnow
from .tokens import read_token


@dataclass
class Secured:
    """What securing the account did, for the page that says so."""

    user: User
    address: str  # where the notice went, and where the reset link goes
    email_restored: bool
    reset_sent: bool


def check_not_me_token(token):
    """(user, address the notice went to); raises TokenError when the link is not usable."""
    user, payload = read_token("not-me", token, current_app.config["NOT_ME_TOKEN_MAX_AGE"])
    return user, str(payload.get("to", ""))


def secure_account(token):
    """Take the account back for the address the notice went to (commits)."""
    user, address = check_not_me_token(token)
    # Unusable, not empty: no password matches a hash of a secret nobody keeps.
    user.password_hash = passwords.hash_password(secrets.token_urlsafe(32))
    user.password_changed_at = utcnow()  # retires API tokens and pending email changes
    sessions.end_all_sessions(user)  # commits the password with it
    restored = _restore_email(user, address)
    security_event("account.secured", user=user, email_restored=restored)
    # The reset link goes only to the address the notice went to: never to
    # an address someone else may have put on the account.
    reset_sent = user.email.lower() == address.lower()
    if reset_sent:
        accounts.request_password_reset(user.email)
    return Secured(user, address, restored, reset_sent)


def _restore_email(user, address):
    """Put `address` back as the account's email unless it is, or another account's (commits)."""
    if address.lower() == user.email.lower() or accounts.find_by_email(address) is not None:
        return False
    user.email = address
    user.email_verified_at = utcnow()  # the link was read at that address
    try:
        db.session.commit()
    except IntegrityError:  # another account took the address a moment ago
        db.session.rollback()
        return False
    return True
