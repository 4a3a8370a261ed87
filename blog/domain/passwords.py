"""Password hashing (argon2id) and the rules a new password must meet."""

import hashlib
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from ..runtime import give_up_turn, settings

MIN_LENGTH = 8
MAX_LENGTH = 128


@cache
def _hasher(profile):
    if profile == "fast":
        # Test suite only: the same algorithm with tiny costs, so hundreds of
        # sign-ups stay quick. Production always takes argon2-cffi's defaults.
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


def _current_hasher():
    return _hasher(settings["PASSWORD_HASH_PROFILE"])


def hash_password(password):
    """An argon2id hash of the password."""
    # Tens of milliseconds outside Python: the next request may run meanwhile.
    give_up_turn()
    return _current_hasher().hash(password)


def check_password(password_hash, password):
    """True when password matches the stored hash."""
    give_up_turn()  # as hash_password
    try:
        return _current_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    """True when the hash was made with weaker settings than today's."""
    return _current_hasher().check_needs_rehash(password_hash)


def password_stamp(user):
    """A short digest of when the password last changed: it changes with every new password.

    Known-device cookies and one-time login links carry it, so a new
    password retires them. (Not the hash: a re-hash on login must not retire anything.)
    """
    return hashlib.sha256(user.password_changed_at.isoformat().encode()).hexdigest()[:16]


# Spend the same time whether or not an account exists, so response times do
# not tell which usernames are real.
def burn_time_like_a_check(password):
    """Verify against a throw-away hash; the result is meaningless."""
    check_password(_dummy_hash(settings["PASSWORD_HASH_PROFILE"]), password)


@cache
def _dummy_hash(profile):
    return _hasher(profile).hash("not a real password")


@cache
def _common_passwords():
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password, username="", email=""):
    """Why this password is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if username and lowered == username.lower():
        return "Your password cannot be your username."
    if email and (lowered == email.lower() or lowered == email.split("@")[0].lower()):
        return "Your password cannot be your email address."
    if settings["REFUSE_COMMON_PASSWORDS"] and lowered in _common_passwords():
        return "This password is too common and easy to guess. Choose another."
    return None
