"""Accounts and profiles: register, log in, the current user, profiles and follows."""

from flask import g, jsonify

from ..auth import throttle
from ..domain import account_changes, accounts, follows, permissions, shown_profile
from ..domain.invites import InviteError
from ..domain.signups import SignupClosed
from ..extensions import limiter
from ..web.limits import limit
from ..web.links import external_url
from ..web.write_limits import limit_writes
from .auth import asking_user, issue_token, sent_token, token_required, writer_required
from .blueprint import bp
from .errors import SPEC_WORDING, ApiError, not_found
from .payload import BLANK, read_payload, text_fields
from .present import profile_json, user_json

USER_FIELDS = ("email", "username", "password", "bio", "image")


LOCKED_MESSAGE = (
    "Too many attempts to log in to this account. Wait a little, or log in on the site "
    "at {url}: it can email you a one-time login link."
)


@bp.post("/users/login")
# The login page's limits, shared: guesses here count there too (blog/auth/throttle.py).
@limiter.shared_limit(
    limit("RATELIMIT_LOGIN_PER_IP"), scope=throttle.LOGIN_IP_SCOPE, on_breach=throttle.ip_limit_hit
)
def login():
    fields = text_fields(read_payload("user"), required=("email", "password"))
    try:
        # No device cookie here: the owner's browser stays exempt on the page.
        user = throttle.check_login(fields["email"], fields["password"])
    except throttle.AccountLocked as locked:
        message = LOCKED_MESSAGE.format(url=external_url("auth.login"))
        return jsonify(errors={"body": [message]}), 429, {"Retry-After": str(locked.retry_after)}
    if user is None:
        raise ApiError.on(401, "credentials", "invalid")  # the spec 2.0 wording
    return jsonify(user=user_json(user, issue_token(user)))


@bp.post("/users")
# The sign-up page's budgets, shared (blog/auth/throttle.py).
@throttle.limit_forms_that_email(
    "RATELIMIT_SIGNUP_PER_IP", throttle.SIGNUP_SCOPE, deduct_when=throttle.emailed
)
def register():
    fields = text_fields(read_payload("user"), required=("username", "email", "password"),
                         optional=("invite",))
    email = accounts.normalize_email(fields["email"])
    try:
        user = accounts.register(email, fields["username"], fields["password"],
                                 invite=fields.get("invite"))
    except (SignupClosed, InviteError) as error:
        raise ApiError.on(403, error.field, error.message) from error
    g.emailed = True  # a confirmation, or "you already have an account"
    if user is None:
        # Unlike the sign-up page, a RealWorld client must be told (the owner
        # of the address has been emailed about the attempt).
        raise ApiError.on(409, "email", SPEC_WORDING["taken"])
    if user.awaiting_approval:
        # Made, and its confirmation emailed; but no token (no login) until an admin approves.
        raise ApiError.on(403, "account", "is awaiting approval")
    return jsonify(user=user_json(user, issue_token(user))), 201


@bp.get("/user")
@token_required
def current_user():
    return jsonify(user=user_json(asking_user(), sent_token()))


def asking_account_key():
    """The member a token names, for limits on their own account."""
    try:
        user = asking_user()
    except ApiError:
        return "account:invalid-token"
    return f"account:{user.id}" if user.is_authenticated else "account:none"


@bp.put("/user")
# A new email address is mailed a link: limit that per account and per address (with Settings).
@throttle.limit_email_changes(
    asking_account_key, throttle.submitted_email_key, deduct_when=throttle.emailed
)
# A new password mails the account a notice: limited with the Settings page's.
@throttle.limit_password_changes(
    asking_account_key,
    changed=lambda response: g.get("password_changed", False),
    exempt_when=lambda: not throttle.submitted("password"),
)
@token_required
@limit_writes("edit", member=asking_user, methods=("PUT",))
def update_user():
    payload = read_payload("user")
    fields = text_fields(payload, optional=USER_FIELDS)
    # RealWorld 2.0: null clears bio and image; a null or blank email, username
    # or password is refused rather than ignored.
    blank = {name: [BLANK] for name in ("email", "username", "password")
             if name in payload and _blank(payload[name])}
    if blank:
        raise ApiError(422, blank)
    fields.update({name: "" for name in ("bio", "image")
                   if name in payload and payload[name] is None})
    if not fields:
        raise ApiError.on(422, "user", f"needs at least one of {', '.join(USER_FIELDS)}")
    user = asking_user()
    # Front ends send the whole form back: only a different address counts.
    g.emailed = fields.get("email", user.email).strip().lower() != user.email.lower()
    # A new password ends the member's other logins; this client's token stays.
    user = account_changes.update_account(user, **fields)
    g.password_changed = "password" in fields
    return jsonify(user=user_json(user, sent_token()))


def _blank(value):
    return value is None or isinstance(value, str) and not value.strip()


def _profile_or_404(username):
    user = accounts.find_by_username(username)
    if user is None or not permissions.can_see_member(asking_user(), user):
        raise not_found("profile")
    return user


@bp.get("/profiles/<username>")
def profile(username):
    shown = shown_profile.profile_shown(username, asking_user(), counts=False)
    if shown is None:
        raise not_found("profile")
    return jsonify(profile=profile_json(shown.member, shown.following))


@bp.post("/profiles/<username>/follow")
@writer_required
@limit_writes("follow", member=asking_user)
def follow(username):
    user = _profile_or_404(username)
    # A RealWorld profile has no follower count: none is counted.
    state = follows.follow(asking_user(), user, counted=False)
    return jsonify(profile=profile_json(user, state.following))


@bp.delete("/profiles/<username>/follow")
@token_required
def unfollow(username):
    user = _profile_or_404(username)
    state = follows.unfollow(asking_user(), user, counted=False)
    return jsonify(profile=profile_json(user, state.following))
