"""API tokens: a JWT sent as `Authorization: Token <jwt>`, and who is asking.

The token is signed (HS256) with a key derived from SECRET_KEY, expires after
API_TOKEN_MAX_AGE seconds, and carries when the password last changed, so a
new password retires every older token. (Not the hash itself: re-hashing on
login when argon2's parameters grow must not log API clients out.) Session cookies are
never read here: a browser's cookie cannot act on the API (no CSRF hole).
"""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from functools import wraps

import jwt
from flask import current_app, g, request
from flask_login import AnonymousUserMixin

from ..domain.passwords import password_stamp
from ..domain.permissions import require_may_write
from ..extensions import db
from ..models import User
from ..web.signals import member_identified
from .errors import ApiError

ALGORITHM = "HS256"
SCHEMES = ("token", "bearer")  # the spec says Token; many clients send Bearer


def _signing_key():
    # A key of its own, derived from SECRET_KEY: tokens cannot be confused with
    # other signed values, and HS256 gets its full 32 bytes.
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"blog.api-token", hashlib.sha256).digest()


def issue_token(user):
    """A new token for `user`."""
    now = datetime.now(UTC)
    claims = {
        "sub": str(user.id),
        "iat": now,
        "exp": now + timedelta(seconds=current_app.config["API_TOKEN_MAX_AGE"]),
        "pw": password_stamp(user),
    }
    return jwt.encode(claims, _signing_key(), algorithm=ALGORITHM)


def _token_in_header():
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() not in SCHEMES or not token.strip():
        raise ApiError.on(401, "token", "must be sent as 'Authorization: Token <token>'")
    return token.strip()


def _user_for(token):
    try:
        claims = jwt.decode(
            token,
            _signing_key(),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp", "iat"]},
        )
    except jwt.ExpiredSignatureError:
        raise ApiError.on(401, "token", "has expired") from None
    except jwt.InvalidTokenError:
        raise ApiError.on(401, "token", "is invalid") from None
    user_id = claims["sub"]
    user = db.session.get(User, int(user_id)) if str(user_id).isdigit() else None
    if user is None or claims.get("pw") != password_stamp(user):
        raise ApiError.on(401, "token", "is no longer valid")
    return user


def asking_user():
    """The member the request's token names, or an anonymous visitor without a token."""
    if "api_user" not in g:
        token = _token_in_header()
        g.api_user = _user_for(token) if token else AnonymousUserMixin()
        if token and member_identified.receivers:
            member_identified.send(g.api_user, how="API token")
    return g.api_user


def token_required(view):
    """401 unless the request carries a valid token."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not asking_user().is_authenticated:
            raise ApiError.on(401, "token", "is missing")
        return view(*args, **kwargs)

    return wrapper


def writer_required(view):
    """A valid token of a member who may write (refused by the domain: Unverified)."""

    @wraps(view)
    @token_required
    def wrapper(*args, **kwargs):
        require_may_write(asking_user())
        return view(*args, **kwargs)

    return wrapper
