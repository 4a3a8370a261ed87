"""Rate limits for sign-up and login that slow attackers down, not owners.

Per IP: every attempt counts. Per account: only failed logins count, and a
browser that has logged in to that account before carries a signed "device"
cookie that exempts it, so an attacker's guesses cannot lock the owner out.

The login page and the API's POST /api/users/login share both limits (the
same scope, the same keys): guesses on one count on the other.
"""

from flask import current_app, g, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from .. import accounts
from ..extensions import limiter

DEVICE_COOKIE = "device"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_REMEMBERED_ACCOUNTS = 5


def limit(name):
    """A limit string read from the config when the request is checked."""
    return lambda: current_app.config[name]


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


def login_account_key():
    """The account a login attempt targets (the same key for unknown names)."""
    if "login_target" not in g:
        # The page's field is "login" (email or username); the API's is "email".
        login = submitted("email" if request.is_json else "login")
        user = accounts.find_by_login(login) if login else None
        g.login_target = f"user:{user.id}" if user else f"name:{login}"
    return "login:" + g.login_target


def submitted_email_key():
    """The address a sign-up or reset request is for."""
    return "email:" + submitted("email")


def current_account_key():
    """The logged-in member (for limits on routes that require login)."""
    return f"account:{current_user.id}"


def login_failed(response):
    """Failed logins re-render the form (200); success redirects."""
    return response.status_code == 200


def email_was_sent(response):
    """Accepted sign-up and reset forms redirect; a form with typos does not count."""
    return response.status_code == 302


def emailed(response):
    """API requests that sent (or would reveal) an email set g.emailed; only those count."""
    return g.get("emailed", False)


def limit_forms_that_email(ip_limit_name):
    """Limit a form that sends email: every POST per IP, and sent emails per address."""

    def decorate(view):
        view = limiter.limit(
            limit("RATELIMIT_EMAILS_PER_ADDRESS"),
            key_func=submitted_email_key,
            methods=["POST"],
            deduct_when=email_was_sent,
        )(view)
        return limiter.limit(limit(ip_limit_name), methods=["POST"])(view)

    return decorate


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="blog.device")


def _known_accounts():
    try:
        known = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return []
    return known if isinstance(known, list) else []


def is_known_device():
    """True when this browser has logged in to the targeted account before."""
    login_account_key()
    return g.login_target in _known_accounts()


def remember_device(response, user):
    """Mark this browser as one that `user` logs in from."""
    key = f"user:{user.id}"
    known = [k for k in _known_accounts() if k != key]
    known = [key, *known][:MAX_REMEMBERED_ACCOUNTS]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps(known),
        max_age=DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
