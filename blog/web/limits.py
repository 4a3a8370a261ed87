"""Rate-limit helpers the blueprints share: a limit named by its setting, and budgets
spent before a view runs and given back when its answer does not count.

Used by the login and sign-up limits (blog/auth/throttle.py) and by the limits
on writing (blog/web/write_limits.py).
"""

from functools import wraps

from flask import current_app
from limits.strategies import FixedWindowRateLimiter

from ..extensions import limiter


def limit(name):
    """A limit string read from the config when the request is checked."""
    return lambda: current_app.config[name]


def refunded_unless(deduct_when, scopes):
    """Wrap a view whose limits in `scopes` are spent before it runs; give them back after
    unless `deduct_when(response)` (None when the view raised) says it counts (an email
    went out, a comment was saved).

    Flask-Limiter's own deduct_when checks before and counts after the answer, so
    requests sent at once all passed the check: spending first is one atomic step.
    """

    def decorate(view):
        @wraps(view)
        def run(*args, **kwargs):
            try:
                response = current_app.make_response(view(*args, **kwargs))
            except Exception:
                _give_back_unless(deduct_when(None), scopes)
                raise
            _give_back_unless(deduct_when(response), scopes)
            return response

        return run

    return decorate


def _give_back_unless(counted, scopes):
    if not counted:
        give_back([(spent.limit, spent.request_args) for spent in limiter.current_limits
                    if spent.request_args[-1] in scopes])


def give_back(spent):
    """Return hits taken from the limiter's storage: `spent` is [(limit item, keys)]."""
    if not spent:
        return
    strategy = limiter.limiter
    if not isinstance(strategy, FixedWindowRateLimiter):
        return  # other strategies keep no simple counter to move back; the attempt counts
    try:
        for item, keys in spent:
            strategy.storage.incr(item.key_for(*keys), item.get_expiry(), amount=-1)
    except strategy.storage.base_exceptions:
        pass  # the storage went away: the attempt stays counted, which is the safe side
