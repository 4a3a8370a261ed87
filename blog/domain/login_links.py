"""One-time login links: how an owner gets into an account that guesses have locked.

A link is a signed token (blog/tokens.py, purpose "login") that expires after
LOGIN_LINK_MAX_AGE seconds and carries a stamp of the account's state: its
password stamp, when its address was last proven, and when it last logged in
(users.last_login_at, which outlives the session). Any new password or new
login changes the stamp, so the link dies with them.
Using the link proves the address again (email_verified_at moves on, in one
conditional UPDATE), which changes the stamp too: the link works once, even
when two requests race to use it. No table of its own is needed.
"""

import hashlib

from sqlalchemy import update

from ..events import security_event
from ..extensions import db
from ..models import User, utcnow
from ..runtime import settings
from . import accounts, passwords
from .links import page_link
from .outbox import queue_email
from .tokens import TokenError, make_token, read_token

PURPOSE = "login"
USED = "This link has already been used, or a newer login or password made it void."


def _stamp(user):
    state = f"{passwords.password_stamp(user)}|{user.email_verified_at}|{user.last_login_at}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def request_login_link(login):
    """Email a one-time login link to the account `login` names (commits).

    The caller answers the same whatever happens here. An unknown email
    address gets a short notice instead (the same work as for a member); an
    unknown username gets nothing, as usernames are public anyway.
    """
    user = accounts.find_by_login(login)
    if user is not None:
        token = make_token(PURPOSE, user, st=_stamp(user))
        queue_email(
            user.email,
            "Your one-time login link",
            "login_link",
            user=user,
            login_url=page_link("login_link", token=token),
            minutes=settings["LOGIN_LINK_MAX_AGE"] // 60,
        )
        security_event("login_link.sent", user=user)
    else:
        security_event("login_link.unknown_account", login_ref=accounts.login_ref(login))
        try:
            email = accounts.normalize_email(login) if "@" in login else None
        except accounts.AccountError:
            email = None
        if email:
            accounts.notify_no_account(email, "a one-time login link")
    db.session.commit()


def check_login_link(token):
    """The member a login link is for; raises TokenError when it cannot be used."""
    user, payload = read_token(PURPOSE, token, settings["LOGIN_LINK_MAX_AGE"])
    if payload.get("st") != _stamp(user):
        raise TokenError(USED)
    return user


def use_login_link(token):
    """Spend a login link; the member it logs in (commits). Raises TokenError.

    The caller starts the session. Of two requests racing with one link, the
    conditional UPDATE lets exactly one through.
    """
    user = check_login_link(token)
    proven_at = user.email_verified_at
    same_state = (
        User.email_verified_at.is_(None) if proven_at is None
        else User.email_verified_at == proven_at
    )
    claimed = db.session.execute(
        update(User.__table__)
        .where(User.id == user.id)
        .where(same_state)
        .values(email_verified_at=utcnow())
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        security_event("login_link.refused", user=user, reason="already_used")
        raise TokenError(USED)
    db.session.commit()
    security_event("login_link.used", user=user)
    return user
