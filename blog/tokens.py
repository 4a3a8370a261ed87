"""Signed, expiring links for email verification, password reset and email change."""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .extensions import db
from .models import User


class TokenError(ValueError):
    """The link is forged, expired, already used or for another purpose."""


def _serializer(purpose):
    # A salt per purpose: a verification link cannot be replayed as a reset link.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"blog.{purpose}")


def password_fingerprint(user):
    """A short digest of the password hash: it changes whenever the password does.

    Reset links carry it, so a link works only until the password changes.
    """
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_token(purpose, user, **extra):
    """A signed token for `purpose` naming `user` and carrying `extra`."""
    payload = {"uid": user.id, **extra}
    if purpose == "reset":
        payload["pw"] = password_fingerprint(user)
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
    if purpose == "reset" and payload.get("pw") != password_fingerprint(user):
        raise TokenError("This link has already been used.")
    return user, payload
