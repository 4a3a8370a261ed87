"""API tokens: a JWT sent as `Authorization: Token <jwt>`, and who is asking.

The token is signed (HS256) with a key derived from SECRET_KEY, expires after
API_TOKEN_MAX_AGE seconds, and names a login session (`sid`): a row of
blog.domain.sessions, of kind "api". Settings lists it beside the browsers;
ending it there, or a new password set elsewhere, makes the token answer 401
at once. Session cookies are never read here: a browser's cookie cannot act
on the API (no CSRF hole).
"""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from functools import wraps

import jwt
from flask import current_app, g, request
from flask_login import AnonymousUserMixin

from ..domain import sessions
from ..domain.permissions import require_may_write
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
    """Log `user` in as an API client: a new session row (commits) and the token naming it."""
    session_token = sessions.start_session(
        user,
        kind=sessions.API,
        user_agent=request.user_agent.string,
        ip_address=request.remote_addr,
    )
    now = datetime.now(UTC)
    claims = {
        "sub": str(user.id),
        "sid": session_token,
        "iat": now,
        "exp": now + timedelta(seconds=current_app.config["API_TOKEN_MAX_AGE"]),
    }
    return jwt.encode(claims, _signing_key(), algorithm=ALGORITHM)


def sent_token():
    """The token this request came with (a member's GET or PUT /user answers with it)."""
    return g.get("api_token")


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
    session_token, user = claims.get("sid"), None
    if isinstance(session_token, str) and session_token:
        user = sessions.resume_session(session_token, kind=sessions.API)
    # No session: logged out (in Settings, by a new password), or made before tokens had one.
    if user is None or str(user.id) != claims["sub"]:
        raise ApiError.on(401, "token", "is no longer valid")
    g.api_token = token
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
