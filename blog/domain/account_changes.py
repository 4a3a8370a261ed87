"""Changes to an account's email address, and the API's change of every field at once.

A new address is used only once the link sent to it is followed, on the
settings page and in the API alike; the old address is then told, with a
"this wasn't me" link (blog.domain.notices). Functions that change data commit.
"""

from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from ..events import security_event
from ..extensions import db
from ..models import utcnow
from ..runtime import settings
from . import notices, passwords, sessions
from .accounts import (
    AccountConflict,
    AccountError,
    find_by_email,
    normalize_email,
    refuse,
    refuse_username,
    username_change_problem,
)
from .images import as_own_media
from .links import page_link
from .outbox import queue_email
from .password_changes import store_password
from .profiles import bio_problem, image_url_problem
from .tokens import TokenError, make_token, read_token


def email_change_problem(user):
    """Why the email cannot change now, or None.

    After a change the old address holds a "this wasn't me" link for
    NOT_ME_TOKEN_MAX_AGE; a second change meanwhile would let a thief move
    the account on and leave that link nothing to take back.
    """
    if user.email_changed_at is None:
        return None
    window = timedelta(seconds=settings["NOT_ME_TOKEN_MAX_AGE"])
    until = user.email_changed_at + window
    if utcnow() >= until:
        return None
    return (f"You changed your email address on {user.email_changed_at:%Y-%m-%d}. "
            f"You can change it again after {until:%Y-%m-%d %H:%M} UTC.")


def request_email_change(user, new_email, password):
    """Send a confirmation link to the new address; the old one stays until then (commits)."""
    if not passwords.check_password(user.password_hash, password):
        raise AccountError("password", "Your password is not correct.")
    if new_email.lower() == user.email.lower():
        raise AccountError("email", "This is already your email address.")
    refuse("email", email_change_problem(user))
    if find_by_email(new_email) is not None:
        # Say nothing that tells whether the address has an account.
        return
    _queue_email_change(user, new_email)
    db.session.commit()


def _queue_email_change(user, new_email):
    # The token carries the account's stamp: a new password (or "this wasn't
    # me") voids a change still waiting for its confirmation.
    token = make_token("email-change", user, old=user.email, new=new_email)
    queue_email(
        new_email,
        "Confirm your new email address",
        "change_email",
        user=user,
        confirm_url=page_link("confirm_email", token=token),
    )
    security_event("email.change_requested", user=user)


def check_email_change_token(token):
    """(user, new address) of an email-change link; raises TokenError when it is not usable."""
    user, payload = read_token(
        "email-change", token, settings["EMAIL_CHANGE_TOKEN_MAX_AGE"]
    )
    if payload.get("old", "").lower() != user.email.lower():
        raise TokenError("This link is no longer valid: the email was changed since.")
    return user, payload.get("new", "")


def confirm_email_change(token):
    """Replace the account's email with the one the link confirms; tell the old one (commits)."""
    user, new_email = check_email_change_token(token)
    old_email = user.email
    user.email = new_email
    user.email_verified_at = user.email_changed_at = utcnow()
    notices.notify_email_changed(user, old_email)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise TokenError("Another account uses this address now.") from None
    security_event("email.changed", user=user)
    return user


def update_account(user, *, username=None, email=None, password=None, bio=None, image=None):
    """Change any of these fields at once, all or nothing (commits). The API's PUT /user.

    None leaves a field alone. Every field is checked before anything changes.
    While REQUIRE_VERIFIED_EMAIL is on, a new email is sent a confirmation link
    and used only once it is followed, as on the settings page (and, as there,
    nothing tells whether the address has an account). With it off, addresses
    need no confirming: the new one is used at once (a taken one is a
    conflict, as at sign-up) and the old one is told, with a "this wasn't me"
    link that puts it back. Either way it cannot change twice within a week.
    A new password ends every other login (browsers and API tokens) and keeps
    the one that asked; the address is told.
    """
    changes = {}
    if username is not None and username != user.username:
        refuse_username(username_change_problem(user, username))
        changes["username"] = username
    new_email = None
    if email is not None:
        new_email = normalize_email(email)
        if new_email.lower() == user.email.lower():
            new_email = None
        else:
            taken = find_by_email(new_email) is not None
            if taken and not settings["REQUIRE_VERIFIED_EMAIL"]:
                raise AccountConflict("email", "This email address is already taken.")
            refuse("email", email_change_problem(user))
            if taken:
                new_email = None  # nothing to confirm; a taken address is not revealed
    if password is not None:
        refuse("password", passwords.password_problem(
            password, username=changes.get("username", user.username),
            email=new_email or user.email,
        ))
    if bio is not None:
        refuse("bio", bio_problem(bio))
        changes["bio"] = bio.strip()
    if image is not None:
        image = as_own_media(image.strip())
        refuse("image", image_url_problem(image))
        changes["image_url"] = image

    for name, value in changes.items():
        setattr(user, name, value)
    if password is not None:
        store_password(user, password)
    if new_email and settings["REQUIRE_VERIFIED_EMAIL"]:
        _queue_email_change(user, new_email)  # after the password: the link carries its stamp
    elif new_email:
        _use_new_email(user, new_email)
    try:
        if password is not None:
            sessions.forget_other_sessions(user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # lost a race for the username or the address
        field = "email" if new_email and find_by_email(new_email) else "username"
        raise AccountConflict(field, "This is already taken.") from None
    if new_email and not settings["REQUIRE_VERIFIED_EMAIL"]:
        security_event("email.changed", user=user)
    return user


def _use_new_email(user, new_email):
    """Switch to an unconfirmed address at once and tell the old one; the caller commits."""
    old_email = user.email
    user.email = new_email
    user.email_changed_at = utcnow()
    user.email_verified_at = None  # nobody has followed a link to it yet
    notices.notify_email_changed(user, old_email)
