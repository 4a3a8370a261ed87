"""Passwords that change: a reset from an emailed link, a change in Settings.

A new password ends the member's other logins (browsers and API tokens;
a reset ends them all), and the address is told with a "this wasn't me"
link. Functions that change data commit.
"""

from ..events import security_event
from ..extensions import db
from ..models import utcnow
from ..runtime import settings
from . import notices, passwords, sessions
from .accounts import AccountError, find_by_email, notify_no_account
from .links import page_link
from .outbox import queue_email
from .tokens import make_token, read_token


def request_password_reset(email):
    """Email a reset link if the address has an account, a notice otherwise (commits).

    Either way one email is rendered, queued and committed: the same work, so
    the answer's timing does not tell whether the address is registered.
    """
    user = find_by_email(email)
    if user is None:
        notify_no_account(email, "a link to reset your password")
    else:
        token = make_token("reset", user)
        queue_email(
            user.email,
            "Reset your password",
            "reset_password",
            user=user,
            reset_url=page_link("reset_password", token=token),
            minutes=settings["RESET_TOKEN_MAX_AGE"] // 60,
        )
    db.session.commit()


def check_reset_token(token):
    """The user a reset link is for; raises TokenError when it is not usable."""
    user, _ = read_token("reset", token, settings["RESET_TOKEN_MAX_AGE"])
    return user


def reset_password(token, new_password):
    """Set a new password from a reset link, ending every session (commits)."""
    user = check_reset_token(token)
    _set_checked_password(user, new_password)
    # Following the emailed link proves the address too.
    if not user.is_verified:
        user.email_verified_at = utcnow()
    sessions.forget_all_sessions(user)
    db.session.commit()
    return user


def change_password(user, current_password, new_password):
    """Change the password, ending the user's other sessions (commits)."""
    if not passwords.check_password(user.password_hash, current_password):
        raise AccountError("current_password", "Your current password is not correct.")
    _set_checked_password(user, new_password)
    sessions.forget_other_sessions(user)
    db.session.commit()


def _set_checked_password(user, new_password):
    problem = passwords.password_problem(new_password, username=user.username, email=user.email)
    if problem:
        raise AccountError("new_password", problem)
    store_password(user, new_password)


def store_password(user, new_password):
    """Store a new password (already checked) and tell the address; the caller commits."""
    # password_changed_at retires known-device cookies and login links made before it.
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    # Whoever changed it, the address is told, with a "this wasn't me" link.
    notices.notify_password_changed(user)
    security_event("password.changed", user=user)
