"""The rules of accounts: sign-up, verification, login, passwords, profile, deletion.

Pages and the JSON API both call these functions; none of them knows about
forms or HTTP. Functions that change data commit their own transaction.
"""

import functools
import hashlib
import hmac
import re

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, func, select

from ..events import security_event
from ..extensions import db
from ..models import User, utcnow
from ..runtime import settings
from . import exports, passwords, published_counts, signups, uploads
from .approval_notices import tell_admins_someone_waits
from .comments import remove_comments_by
from .errors import Conflict, FieldError
from .links import page_link
from .outbox import queue_email
from .races import lock_articles_touched_by, lock_member_for_deletion
from .reactions import forget_likes_by
from .rows import insert_ignoring_duplicates
from .tokens import TokenError, make_token, read_token

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{3,30}$")
# Names that collide with pages, or that look official.
RESERVED_USERNAMES = frozenset(
    [
        "admin", "administrator", "api", "auth", "settings", "new", "articles", "article",
        "comments", "comment", "t", "tag", "tags", "feed", "feeds", "reading-list", "dev",
        "static", "login", "logout", "register", "signup", "sign-up", "reset", "verify",
        "about", "help", "support", "root", "system", "moderator", "mod", "staff", "me",
        "user", "users", "profile", "profiles", "mail", "www", "blog", "null", "undefined",
        "anonymous"
    ]
)


class AccountError(FieldError):
    """A request about an account that cannot be carried out; `field` names the culprit."""


class AccountConflict(AccountError, Conflict):
    """The username (or address) belongs to another account."""


USERNAME_TAKEN = "This username is already taken."


# --- checks shared by forms and the API -------------------------------------


def normalize_email(raw):
    """The address in canonical form; raises AccountError when it is not an email."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise AccountError("email", str(exc)) from exc


def username_problem(username):
    """Why this username cannot be used for a new account, or None."""
    if not USERNAME_PATTERN.fullmatch(username):
        return "Use 3 to 30 letters, digits, underscores or hyphens."
    if username.lower() in RESERVED_USERNAMES:
        return "This username is reserved."
    if find_by_username(username) is not None:
        return USERNAME_TAKEN
    return None


def username_change_problem(user, username):
    """Why `user` cannot take `username`, or None; a change of case only is always theirs."""
    if username.lower() == user.username.lower():
        return None if USERNAME_PATTERN.fullmatch(username) else username_problem(username)
    return username_problem(username)


def refuse(field, problem):
    """Raise AccountError on `field` when there is a `problem` (a message); else nothing."""
    if problem:
        raise AccountError(field, problem)


def refuse_username(problem):
    """Raise the error a username problem is: a conflict when taken, else a plain refusal."""
    if problem == USERNAME_TAKEN:
        raise AccountConflict("username", problem)
    if problem:
        raise AccountError("username", problem)


@functools.cache
def _by_username_statement():
    # Every profile page asks it: written once per process, the name its parameter.
    return select(User).where(func.lower(User.username) == bindparam("username"))


def find_by_username(username):
    """The member called `username` in any case, or None."""
    return db.session.scalar(_by_username_statement(), {"username": username.lower()})


def find_by_email(email):
    # The database lowers both sides: SQLite's lower() folds ASCII only, Python's more,
    # and an address with an Ä could never be found again.
    return db.session.scalar(select(User).where(func.lower(User.email) == func.lower(email)))


def find_by_login(login):
    """The user whose email or username is `login`, or None."""
    login = login.strip()
    return find_by_email(login) if "@" in login else find_by_username(login)


# --- sign-up and verification -------------------------------------------------


def register(email, username, password, invite=None):
    """Create an unverified account and queue its verification email (commits).

    Returns the new user, or None when the email already has an account: then
    the owner of that address is told instead, and the caller answers exactly
    as for a new account, so sign-up never reveals who is registered.
    The site's sign-up mode may refuse first (blog.domain.signups: closed, or
    no usable `invite` token); a new account spends the invitation.
    """
    gate = signups.admit(invite)
    refuse_username(username_problem(username))
    problem = passwords.password_problem(password, username=username, email=email)
    refuse("password", problem)
    # From here on a taken and a new address take the same steps (a hash, an
    # insert attempt, a read, an email, a commit, a read back), so neither the
    # answer nor its timing tells who has an account.
    inserted = insert_ignoring_duplicates(
        User, email=email, username=username, password_hash=passwords.hash_password(password),
        awaiting_approval=gate.require_approval,
    )
    account = find_by_email(email)
    if account is None:
        # Nothing went in and the address is free: another sign-up took the name first.
        raise AccountConflict("username", USERNAME_TAKEN)
    if inserted:
        signups.spend_invite(gate, invite, account)
        _queue_verification(account)
    else:
        _notify_existing_account(email)
    db.session.commit()
    db.session.refresh(account)  # the API answers with it; the page does the same read
    return account if inserted else None


def _notify_existing_account(email):
    queue_email(
        email,
        "You already have an account",
        "already_registered",
        login_url=page_link("login"),
        reset_url=page_link("reset_request"),
    )


def notify_no_account(email, asked_for):
    """Tell an address without an account that someone asked for `asked_for` (no commit).

    Reset and login-link requests for unknown addresses send this, so they do
    the same work as for a member and take the same time.
    """
    queue_email(
        email,
        "You do not have an account here",
        "no_account",
        asked_for=asked_for,
        register_url=page_link("register"),
    )


def _queue_verification(user):
    token = make_token("verify", user, email=user.email)
    queue_email(
        user.email,
        "Confirm your email address",
        "verify",
        user=user,
        verify_url=page_link("verify", token=token),
    )


def resend_verification(user):
    """Send a fresh verification link to an unverified user (commits)."""
    if user.is_verified:
        return
    _queue_verification(user)
    db.session.commit()


def check_verify_token(token):
    """The account a verification link is for; raises TokenError when it is not usable."""
    user, payload = read_token("verify", token, settings["VERIFY_TOKEN_MAX_AGE"])
    if payload.get("email", "").lower() != user.email.lower():
        raise TokenError("This link was sent to an address the account no longer uses.")
    return user


def verify_email(token):
    """Mark the token's account verified; returns (user, verified_now) (commits).

    verified_now is False when the address was already confirmed, so a link
    that leaked after use cannot be used to log in.
    """
    user = check_verify_token(token)
    if user.is_verified:
        return user, False
    user.email_verified_at = utcnow()
    if user.awaiting_approval:
        tell_admins_someone_waits(user)
    db.session.commit()
    security_event("email.confirmed", user=user)
    return user, True


# --- login --------------------------------------------------------------------


def check_credentials(user, login, password):
    """`user` (found by `login`, or None) when `password` is theirs, else None (logged)."""
    if user is None:
        passwords.burn_time_like_a_check(password)
        security_event("login.failed", reason="unknown_account", login_ref=login_ref(login))
        return None
    if not passwords.check_password(user.password_hash, password):
        security_event("login.failed", user=user, reason="wrong_password")
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        db.session.commit()
    security_event("login.succeeded", user=user)
    return user


def login_ref(login):
    """A keyed digest of a login that names no account, for the security log.

    The log never holds what was typed (people type passwords into the name
    field), yet an operator can see one name tried again and again, and check
    a name they suspect with the site's key.
    """
    key = settings["SECRET_KEY"].encode()
    message = b"blog.login-ref:" + login.strip().lower().encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:12]


# --- deletion and accounts made directly -------------------------------------------------

def delete_account(user, password):
    """Delete the account and everything it owns (commits)."""
    if not passwords.check_password(user.password_hash, password):
        raise AccountError("password", "Your password is not correct.")
    user_id = user.id
    pictures = uploads.names_of(user_id)
    remove_account(user)
    db.session.commit()
    # Files are no transaction's: only once the account is gone.
    exports.forget_exports(user_id)
    uploads.forget_files(pictures)  # but those someone else uses too


def remove_account(user):
    """Delete the account and everything it owns (no commit)."""
    lock_member_for_deletion(user.id)
    lock_articles_touched_by(user.id)  # before the threads: the order a reply locks them
    # Before the user row goes: replies by others keep their threads, and
    # the like counters on others' articles drop with the likes.
    remove_comments_by(user)
    forget_likes_by(user)
    published_counts.forget_articles_of(user.id)  # its articles go with it (ON DELETE CASCADE)
    db.session.delete(user)
    db.session.flush()


def create_user(email, username, password, *, verified=True, admin=False):
    """Create an account directly (CLI and demo data), skipping the sign-up emails."""
    user = User(
        email=normalize_email(email),
        username=username,
        password_hash=passwords.hash_password(password),
        email_verified_at=utcnow() if verified else None,
        role="admin" if admin else "member",
    )
    db.session.add(user)
    db.session.commit()
    return user
