"""Notices to the address an account had before a password or email change.

A stolen API token can change both without the current password (RealWorld's
contract). So every change is told to the old address, with a signed "this
wasn't me" link (blog.domain.recovery) that lets its owner take the account back.
"""

from ..models import utcnow
from ..runtime import settings
from .links import page_link
from .outbox import queue_email
from .tokens import account_stamp, email_change_stamp, make_token


def notify_password_changed(user):
    """Queue "your password was changed" to the account's address (in the caller's transaction).

    Call it after the new password is set: the link is tied to the new state.
    """
    # Its link works while the password and the address are as this change left them.
    token = make_token("not-me", user, to=user.email, kind="password", st=account_stamp(user))
    _queue_notice(user, user.email, token, "Your password was changed", "password_changed")


def notify_email_changed(user, old_email):
    """Queue "your email address was changed" to `old_email`, after the change.

    Its link works until the address changes again (which it cannot for as long
    as the link works) or the link is used, whatever else happens meanwhile:
    a thief's later changes cannot void it. It puts `old_email` back.
    """
    token = make_token("not-me", user, to=old_email, kind="email", st=email_change_stamp(user))
    _queue_notice(user, old_email, token, "Your email address was changed", "email_changed",
                  new_email=user.email)


def _queue_notice(user, to, token, subject, template, **context):
    queue_email(
        to,
        subject,
        template,
        user=user,
        when=utcnow().strftime("%Y-%m-%d %H:%M UTC"),
        not_me_url=page_link("not_me", token=token),
        days=settings["NOT_ME_TOKEN_MAX_AGE"] // 86400,
        **context,
    )
