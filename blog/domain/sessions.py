"""Login sessions that really end: a row per login, named by the cookie's token.

Flask-Login keeps whatever User.get_id() returns in the session cookie and in
the remember-me cookie. We return a random token whose hash is a row here, so
deleting the row ends that login everywhere, even for a copied cookie. The
Flask-Login wiring (loader, login_user) is in blog.web.login.

An API client's login is a row too, of kind "api": its token (a JWT, made in
blog.api.auth) carries the row's random token, so Settings lists it beside
the browsers and its "Log out" ends it at once.
"""

import functools
import hashlib
import secrets
from collections import namedtuple
from datetime import timedelta

from sqlalchemy import bindparam, delete, exists, or_, select, update

from ..events import security_event
from ..extensions import db
from ..models import LoginSession, MemberMute, TagMute, User, utcnow
from ..reads_outside import writes_pending
from ..runtime import settings
from .errors import AwaitingApproval, Banned

BROWSER, API = "browser", "api"


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _cap(login_session):
    """When this login ends at the latest, however much it is used (ASVS 7.3.2)."""
    if login_session.kind == API:
        lifetime = timedelta(seconds=settings["API_TOKEN_MAX_AGE"])
    elif login_session.remember:
        lifetime = settings["REMEMBER_COOKIE_DURATION"]
    else:
        lifetime = settings["LOGIN_ABSOLUTE_LIFETIME"]
    return login_session.created_at + lifetime


def _expiry(login_session, now):
    """The new end of a login used at `now`: API tokens and remember-me run to their cap;
    other browsers idle out."""
    if login_session.remember or login_session.kind == API:
        return _cap(login_session)
    return min(now + settings["LOGIN_IDLE_LIFETIME"], _cap(login_session))


def start_session(user, remember=False, user_agent="", ip_address="", kind=BROWSER):
    """A new login of `user` (commits). Returns the token its cookie (or API token) will carry.

    Expired logins go, and so do the least recently used beyond
    SESSIONS_PER_MEMBER: a script that logs in over and over cannot fill the
    table or the member's Settings page.
    """
    if user.banned_at is not None:
        db.session.rollback()
        raise Banned(user.ban_reason)
    if user.awaiting_approval:
        db.session.rollback()
        raise AwaitingApproval()
    now = utcnow()
    token = secrets.token_urlsafe(32)
    db.session.execute(
        delete(LoginSession)
        .where(LoginSession.user_id == user.id)
        .where(LoginSession.expires_at < now)
    )
    _make_room(user, settings["SESSIONS_PER_MEMBER"] - 1)
    login_session = LoginSession(
        token_hash=_hash(token),
        user_id=user.id,
        kind=kind,
        remember=remember,
        user_agent=(user_agent or "")[:255],
        ip_address=(ip_address or "")[:45],
        created_at=now,
        last_seen_at=now,
    )
    login_session.expires_at = _expiry(login_session, now)
    db.session.add(login_session)
    user.last_login_at = now
    db.session.commit()
    user.current_session_token = token
    return token


def _make_room(user, keep):
    """Delete all but the `keep` most recently used logins of `user`."""
    newest = (
        select(LoginSession.id)
        .where(LoginSession.user_id == user.id)
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        .limit(keep)
    )
    ended = db.session.execute(
        delete(LoginSession)
        .where(LoginSession.user_id == user.id)
        .where(LoginSession.id.not_in(newest.scalar_subquery()))
    ).rowcount
    if ended:
        security_event("session.ended", user=user, scope="oldest", count=ended)


def end_current_session(user):
    """Log out: delete the session row this request runs under (commits)."""
    if user.current_session_token:
        db.session.execute(
            delete(LoginSession).where(LoginSession.token_hash == _hash(user.current_session_token))
        )
        db.session.commit()
        security_event("session.ended", user=user, scope="current")


def forget_other_sessions(user):
    """Delete every session of `user` but this one; the caller's operation commits."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if user.current_session_token:
        query = query.where(LoginSession.token_hash != _hash(user.current_session_token))
    ended = db.session.execute(query).rowcount
    security_event("session.ended", user=user, scope="others", count=ended)


def forget_all_sessions(user):
    """Delete every session of `user`; the caller's operation commits."""
    ended = db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id)).rowcount
    security_event("session.ended", user=user, scope="all", count=ended)


def end_other_sessions(user):
    """"Log out everywhere else" (commits)."""
    forget_other_sessions(user)
    db.session.commit()


def end_session_by_id(user, session_id):
    """Delete one of `user`'s own sessions; returns False if it was not theirs (commits)."""
    deleted = db.session.execute(
        delete(LoginSession)
        .where(LoginSession.id == session_id)
        .where(LoginSession.user_id == user.id)
    ).rowcount
    db.session.commit()
    if deleted:
        security_event("session.ended", user=user, scope="one", session_id=session_id)
    return bool(deleted)


def active_sessions(user):
    """The user's live sessions, most recently used first."""
    return db.session.scalars(
        select(LoginSession)
        .where(LoginSession.user_id == user.id)
        .where(LoginSession.expires_at > utcnow())
        .order_by(LoginSession.last_seen_at.desc())
    ).all()


def is_current(user, login_session):
    """True when `login_session` is the one this request runs under."""
    token = user.current_session_token
    return bool(token) and login_session.token_hash == _hash(token)


_RESUMED_COLUMNS = (LoginSession.id, LoginSession.kind, LoginSession.remember,
                    LoginSession.created_at, LoginSession.last_seen_at, LoginSession.expires_at)
# What _cap and _expiry read of a login, as resume_session reads it.
_Resumed = namedtuple("_Resumed", [column.key for column in _RESUMED_COLUMNS])
_AFTER_LOGIN = 1 + len(_RESUMED_COLUMNS)


@functools.cache
def _resume_statement(also=None):
    # Every request of a member runs it: put together once per process (per `also`).
    # Whether the member mutes anything, in the same query: most mute nothing, and
    # their pages then skip the mute filters (blog.domain.mutes) altogether.
    mutes_something = or_(exists().where(MemberMute.user_id == User.id),
                          exists().where(TagMute.user_id == User.id))
    token_hash, kind = bindparam("token_hash"), bindparam("kind")
    member_id = (select(LoginSession.user_id)
                 .where(LoginSession.token_hash == token_hash, LoginSession.kind == kind)
                 .scalar_subquery())
    # The login's own columns, not a LoginSession: one ORM object built is enough.
    return (select(User, *_RESUMED_COLUMNS, mutes_something,
                   *(also(member_id) if also else ()))
            .join(User, User.id == LoginSession.user_id)
            .where(LoginSession.token_hash == token_hash)
            .where(LoginSession.kind == kind))


def resume_session(token, kind=BROWSER, also=None):
    """The member whose live session of `kind` `token` names, or None (one query).

    `also(member_id)` may give further scalar subqueries of the member's id (an SQL
    value) to read in the same query; their values are the user's `resumed_with`.
    A session in use is touched at most every SESSION_TOUCH_INTERVAL, and
    that touch is committed here, as its own small operation: most requests
    only read, and the touch must last even when the page then fails. Not
    while the request has uncommitted writes of its own: it waits for the next.
    """
    row = db.session.execute(_resume_statement(also),
                             {"token_hash": _hash(token), "kind": kind}).first()
    if row is None:
        return None
    user, login_session = row[0], _Resumed(*row[1:_AFTER_LOGIN])
    mutes_something, *also_read = row[_AFTER_LOGIN:]
    user.mutes_nothing, user.resumed_with = not mutes_something, also_read
    if user.banned_at is not None:  # a ban deletes the rows; this is the second lock
        return None
    now = utcnow()
    # The cap is checked too, not only the row's end: a lifetime lowered in
    # the settings shortens logins that exist already.
    if login_session.expires_at <= now or _cap(login_session) <= now:
        return None
    # A member first asked for after the request's own writes: this COMMIT would take them
    # along, and a failure after it would keep half of them.
    if (now - login_session.last_seen_at >= settings["SESSION_TOUCH_INTERVAL"]
            and not writes_pending(db.session())):
        db.session.execute(
            update(LoginSession).where(LoginSession.id == login_session.id)
            .values(last_seen_at=now, expires_at=_expiry(login_session, now)))
        db.session.commit()
    user.current_session_token = token
    return user
