"""Rate limits for sign-up and login that slow attackers down, not owners.

Per IP: every attempt counts (Flask-Limiter, before the view runs).

Per account: each login attempt takes one from the account's limit *before*
the password is checked, atomically in the limiter's storage (memory or
Redis), so parallel guesses cannot check more passwords than the limit
allows. A correct password gives its attempt back: only failures count. Once
the limit is spent the account refuses every password, the right one too, and
its owner can ask for a one-time login link by email (blog/login_links.py).

A browser that has logged in to an account carries a signed "device" cookie
that exempts it from that account's limit on the login page. Each account it
remembers is tied to the password stamp and to when it last logged in there,
so a copy stops working once the password changes or LOGIN_DEVICE_MAX_AGE
after that login.

The login page and the API's POST /api/users/login share both limits (the
same scope, the same keys): guesses on one count on the other.
"""

import math
import time

from flask import current_app, g, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse_many

from ..domain import accounts
from ..domain.passwords import password_stamp
from ..events import security_event
from ..extensions import limiter
from ..web.limits import give_back, limit, refunded_unless

DEVICE_COOKIE = "device"  # "__Host-device" over https: see device_cookie_name()
MAX_REMEMBERED_ACCOUNTS = 5
LOGIN_IP_SCOPE = "login-ip"
LOGIN_ACCOUNT_SCOPE = "login-account"


def submitted(name):
    """A field of the request: the form's, or the API's {"user": {...}} (lowercased, trimmed)."""
    if request.is_json:
        data = request.get_json(silent=True)
        user = data.get("user") if isinstance(data, dict) else None
        value = user.get(name) if isinstance(user, dict) else None
    else:
        value = request.form.get(name)
    return value.strip().lower()[:254] if isinstance(value, str) else ""


def _account_key(login, user):
    # Unknown names get a key of their own: they are limited exactly like real accounts.
    return f"user:{user.id}" if user else f"name:{login.strip().lower()[:254]}"


def login_link_account_key():
    """The account a request for a login link names (the same key for unknown names)."""
    login = submitted("login")
    return "login-link:" + _account_key(login, accounts.find_by_login(login) if login else None)


def submitted_email_key():
    """The address a sign-up or reset request is for."""
    return "email:" + submitted("email")


def current_account_key():
    """The logged-in member (for limits on routes that require login)."""
    return f"account:{current_user.id}"


def email_was_sent(response):
    """Accepted sign-up and reset forms redirect; a form with typos does not count."""
    return response is not None and response.status_code == 302


def emailed(response):
    """API requests that sent (or would reveal) an email set g.emailed; only those count."""
    return g.get("emailed", False)


SIGNUP_SCOPE = "signup"


def limit_forms_that_email(ip_limit_name, scope, deduct_when=email_was_sent):
    """Limit a form that sends email: every POST per IP, and sent emails per address.

    `scope` names the budgets: the page and the API route of one thing (sign-up)
    pass the same one and share them, so switching between them gains nothing.
    """

    def decorate(view):
        view = refunded_unless(deduct_when, {f"{scope}-address"})(view)
        view = limiter.shared_limit(
            limit("RATELIMIT_EMAILS_PER_ADDRESS"),
            scope=f"{scope}-address",
            key_func=submitted_email_key,
            methods=["POST"],
        )(view)
        return limiter.shared_limit(
            limit(ip_limit_name), scope=f"{scope}-ip", methods=["POST"]
        )(view)

    return decorate


def limit_email_changes(account_key, address_key, deduct_when):
    """Limit links mailed to a new address, per account and per address (Settings and the
    API's PUT /user share these budgets: alternating gains nothing)."""

    def decorate(view):
        scopes = {"address": "email-change-address", "account": "email-change-account"}
        view = refunded_unless(deduct_when, set(scopes.values()))(view)
        view = limiter.shared_limit(
            limit("RATELIMIT_EMAILS_PER_ADDRESS"), scope=scopes["address"], key_func=address_key
        )(view)
        return limiter.shared_limit(
            limit("RATELIMIT_EMAIL_PER_ACCOUNT"), scope=scopes["account"], key_func=account_key
        )(view)

    return decorate


def limit_password_changes(account_key, changed, exempt_when=None):
    """Limit password changes per account (Settings and the API share it): each one mails
    the account a notice, and a stolen API token gets a new token with every change."""

    def decorate(view):
        view = refunded_unless(changed, {"password-change"})(view)
        return limiter.shared_limit(
            limit("RATELIMIT_EMAIL_PER_ACCOUNT"),
            scope="password-change",
            key_func=account_key,
            exempt_when=exempt_when,
        )(view)

    return decorate


def ip_limit_hit(request_limit):
    """Flask-Limiter's on_breach for the per-IP login limit: log it, answer as usual."""
    security_event("login.ip_limited", limit=str(request_limit.limit))


# --- the per-account limit, spent before the password is checked ------------------------


class AccountLocked(Exception):
    """The account's limit of failed logins is spent; try again in `retry_after` seconds."""

    def __init__(self, retry_after):
        super().__init__("too many failed logins for this account")
        self.retry_after = retry_after


def check_login(login, password, *, device_exempts=False):
    """The member `login` names when `password` is theirs, or None; raises AccountLocked.

    `device_exempts`: a browser that has logged in to the account before (the
    login page) spends nothing. The API has no such browser.
    """
    target = accounts.find_by_login(login)
    exempt = device_exempts and is_known_device(target)
    spent = [] if exempt else spend_attempt(login, target)
    user = accounts.check_credentials(target, login, password)
    if user is not None:
        # Only failures count: the owner's own logins never bring a lockout closer.
        give_back(spent)
    return user


def spend_attempt(login, target, purpose="login"):
    """Take one attempt from every window of the account's limit; [(item, keys)] taken.

    `purpose` names a budget of its own ("login", "reauth" in Settings) and its events.
    """
    if not limiter.enabled:
        return []
    keys = [f"{purpose}:" + _account_key(login, target), LOGIN_ACCOUNT_SCOPE]
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    if prefix:
        keys.insert(0, prefix)
    # limiter.limiter is Flask-Limiter's own: its in-memory fallback while Redis is away.
    strategy = limiter.limiter
    spent = []
    for item in parse_many(current_app.config["RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT"]):
        try:
            # hit() counts and compares in one step in the storage (a lock in
            # memory, a Lua script in Redis): no two requests both get the last attempt.
            allowed = strategy.hit(item, *keys)
            reset_at = None if allowed else strategy.get_window_stats(item, *keys).reset_time
        except strategy.storage.base_exceptions:
            # Like Flask-Limiter's RATELIMIT_SWALLOW_ERRORS: an uncountable limit is no 500.
            security_event(f"{purpose}.limit_unavailable", user=target, limit=str(item))
            return spent
        if not allowed:
            security_event(
                f"{purpose}.locked",
                user=target,
                login_ref=None if target else accounts.login_ref(login),
                limit=str(item),
            )
            raise AccountLocked(max(1, math.ceil(reset_at - time.time())))
        spent.append((item, keys))
    return spent


# --- the known-device cookie -----------------------------------------------------------------


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="blog.device")


def device_cookie_name():
    """Over https the cookie is __Host-: Secure, for the whole site, no subdomain may plant it."""
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    return f"__Host-{DEVICE_COOKIE}" if secure else DEVICE_COOKIE


def _known_accounts(now):
    """This browser's remembered accounts, still fresh: [[user id, password stamp, since], ...]."""
    try:
        known = _serializer().loads(request.cookies.get(device_cookie_name(), ""))
    except BadSignature:
        return []
    if not isinstance(known, list):
        return []
    max_age = current_app.config["LOGIN_DEVICE_MAX_AGE"]
    return [
        entry for entry in known
        if isinstance(entry, list) and len(entry) == 3
        and isinstance(entry[0], int) and isinstance(entry[1], str)
        and isinstance(entry[2], int | float) and now - entry[2] <= max_age
    ]


def is_known_device(user):
    """True when this browser logged in to `user`'s account lately, with today's password."""
    if user is None:
        return False
    stamp = password_stamp(user)
    return any(uid == user.id and seen == stamp for uid, seen, _ in _known_accounts(time.time()))


def remember_device(response, user):
    """Mark this browser as one that `user` logs in from (again: each login renews it)."""
    now = time.time()
    others = [entry for entry in _known_accounts(now) if entry[0] != user.id]
    known = [[user.id, password_stamp(user), round(now, 3)], *others][:MAX_REMEMBERED_ACCOUNTS]
    response.set_cookie(
        device_cookie_name(),
        _serializer().dumps(known),
        max_age=current_app.config["LOGIN_DEVICE_MAX_AGE"],
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
