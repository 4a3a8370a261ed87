"""Notices to the address an account had before a password or email change.

A stolen API token can change both without the current password (RealWorld's
contract). So every change is told to the old address, with a signed "this
wasn't me" link (blog.recovery) that lets its owner take the account back.
"""

from flask import current_app

from .models import utcnow
from .outbox import queue_email
from .tokens import make_token
from .urls import external_url


def notify_password_changed(user):
    """Queue "your password was changed" to the account's address (in the caller's transaction).

    Call it after the new password is set: the link is tied to the new state.
    """
    _queue_notice(user, user.email, "Your password was changed", "password_changed")


def notify_email_changed(user, old_email):
    """Queue "your email address was changed" to `old_email`, after the change."""
    _queue_notice(user, old_email, "Your email address was changed", "email_changed",
                  new_email=user.email)


def _queue_notice(user, to, subject, template, **context):
    # "to" is where the account goes back to if the owner says it was not them.
    token = make_token("not-me", user, to=to)
    queue_email(
        to,
        subject,
        template,
        user=user,
        when=utcnow().strftime("%Y-%m-%d %H:%M UTC"),
        not_me_url=external_url("auth.not_me", token=token),
        days=current_app.config["NOT_ME_TOKEN_MAX_AGE"] // 86400,
        **context,
    )
