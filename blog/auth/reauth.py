"""Wrong current passwords in Settings count like wrong passwords on the login page.

Changing the password or the email and deleting the account ask for the
current password. Without a limit, whoever holds a logged-in browser (or a
copied cookie) could guess it there at full speed. Each check takes one
attempt from a per-account budget of its own (RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT,
spent before the check like the login's); a right password gives it back.
Its own budget: guesses on the login page never lock the owner out of
Settings, nor the other way round.
"""

from contextlib import contextmanager

from ..domain.accounts import AccountError
from ..web.limits import give_back
from . import throttle
from .throttle import AccountLocked

__all__ = ["AccountLocked", "current_password_checked", "locked_message"]


@contextmanager
def current_password_checked(user, field):
    """Run a change that checks `user`'s current password (an AccountError on `field`
    means it was wrong, and the attempt stays counted). Raises AccountLocked."""
    spent = throttle.spend_attempt(user.username, user, purpose="reauth")
    try:
        yield
    except AccountError as error:
        if error.field != field:
            give_back(spent)
        raise
    else:
        give_back(spent)


def locked_message(locked):
    minutes = max(1, round(locked.retry_after / 60))
    return f"Too many wrong passwords. Try again in {minutes} minute{'s' * (minutes != 1)}."
