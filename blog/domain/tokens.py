"""Signed, expiring links: email verification, password reset, email change, "this wasn't me"."""

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from ..models import User
from ..runtime import settings


class TokenError(ValueError):
    """The link is forged, expired, already used or for another purpose."""


def _serializer(purpose):
    # A salt per purpose: a verification link cannot be replayed as a reset link.
    return URLSafeTimedSerializer(settings["SECRET_KEY"], salt=f"blog.{purpose}")


def password_fingerprint(user):
    """A short digest of the password hash: it changes whenever the password does.

    Reset links carry it, so a link works only until the password changes.
    """
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def account_stamp(user):
    """A short digest of when the password last changed and of the email address.

    Links that carry it work only while the account is as it was when they
    were sent: a new password or address (or securing the account) voids them.
    """
    state = f"{user.password_changed_at.isoformat()}|{user.email.lower()}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


# Links tied to the account's state: (payload key, stamp, what to say when it changed).
STAMPED = {
    "reset": ("pw", password_fingerprint, "This link has already been used."),
    "email-change": (
        "st", account_stamp,
        "This link no longer works: the account's password or email changed since it was sent.",
    ),
}


def email_change_stamp(user):
    """A short digest of when the email last changed: "this wasn't me" after an email change."""
    changed = user.email_changed_at.isoformat() if user.email_changed_at else "never"
    return hashlib.sha256(changed.encode()).hexdigest()[:16]


def make_token(purpose, user, **extra):
    """A signed token for `purpose` naming `user` and carrying `extra`."""
    payload = {"uid": user.id, **extra}
    if purpose in STAMPED:
        key, stamp, _ = STAMPED[purpose]
        payload[key] = stamp(user)
    return _serializer(purpose).dumps(payload)


def read_token(purpose, token, max_age):
    """The (user, payload) a valid token names; raises TokenError otherwise."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("This link has expired.") from exc
    except BadSignature as exc:
        raise TokenError("This link is invalid.") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("uid"), int):
        raise TokenError("This link is invalid.")
    user = db.session.get(User, payload["uid"])
    if user is None:
        raise TokenError("This link is invalid.")
    if purpose in STAMPED:
        key, stamp, message = STAMPED[purpose]
        if payload.get(key) != stamp(user):
            raise TokenError(message)
    return user, payload
