"""'This wasn't me': the link in a change notice takes the account back.

Pressing the button on the page the link opens ends every login session and
API token of the account, makes the current password unusable and sends a
reset link to the address the notice went to; after an email change it first
puts that address back.

Who wins, and why a leaked old notice is no weapon:
- A notice of a password change works while the account's password and
  address are as that change left them: a later change (or using the link)
  voids it. It never moves the email.
- A notice of an email change works until the email changes again or the
  link is used, for NOT_ME_TOKEN_MAX_AGE (7 days). For that long the email
  cannot be changed again (blog.domain.account_changes), so a thief holding a token
  cannot void it, whatever else they change: for those days the old address
  may take the account back. The price: an owner who leaves an address
  because someone else reads it gives that person the same days; the
  administrator settles such a case.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from ..events import security_event
from ..extensions import db
from ..models import User, utcnow
from ..runtime import settings
from . import accounts, password_changes, passwords, sessions, uploads
from .tokens import TokenError, account_stamp, email_change_stamp, read_token

STAMPS = {"password": account_stamp, "email": email_change_stamp}
USED_UP = (
    "This link no longer works: it was used already, or the account changed since this "
    "email was sent. If someone else is using your account, ask for a password reset."
)


@dataclass
class Secured:
    """What securing the account did, for the page that says so."""

    user: User
    address: str  # where the notice went, and where the reset link goes
    email_restored: bool
    reset_sent: bool


def check_not_me_token(token):
    """(user, address the notice went to, "password" or "email"); raises TokenError if unusable."""
    user, payload = read_token("not-me", token, settings["NOT_ME_TOKEN_MAX_AGE"])
    kind = payload.get("kind")
    if kind not in STAMPS or payload.get("st") != STAMPS[kind](user):
        raise TokenError(USED_UP)
    return user, str(payload.get("to", "")), kind


def secure_account(token):
    """Take the account back for the address the notice went to (commits)."""
    user, address, kind = check_not_me_token(token)
    # Unusable, not empty: no password matches a hash of a secret nobody keeps.
    user.password_hash = passwords.hash_password(secrets.token_urlsafe(32))
    user.password_changed_at = utcnow()  # voids pending email changes and login links
    if kind == "email":
        user.email_changed_at = utcnow()  # this notice is used up, whatever follows
    sessions.forget_all_sessions(user)
    db.session.commit()
    restored = kind == "email" and _restore_email(user, address)
    security_event("account.secured", user=user, kind=kind, email_restored=restored)
    # The reset link goes only to the address the notice went to: never to
    # an address someone else may have put on the account.
    reset_sent = user.email.lower() == address.lower()
    if reset_sent:
        password_changes.request_password_reset(user.email)
    return Secured(user, address, restored, reset_sent)


def _restore_email(user, address):
    """Put `address` back as the account's email unless another account has it (commits).

    An account that signed up with the address after this one left it, and
    never confirmed it, has no claim: its confirmation link went to this
    address's owner. It is removed, or a thief could keep the account by
    squatting the old address and resetting the password at their own.
    """
    holder = accounts.find_by_email(address)
    if holder is not None:
        if holder.id == user.id or holder.is_verified:
            return False
        removed = {"removed_user_id": holder.id, "removed_username": holder.username}
        pictures = uploads.names_of(holder.id)
        accounts.remove_account(holder)
    user.email = address
    user.email_verified_at = utcnow()  # the link was read at that address
    try:
        db.session.commit()
    except IntegrityError:  # another account took the address a moment ago
        db.session.rollback()
        return False
    if holder is not None:
        uploads.forget_files(pictures)
        security_event("account.unconfirmed_removed", user=user, **removed)
    return True
