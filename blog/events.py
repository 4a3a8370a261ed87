"""The security event log: one structured line per thing an operator may need to trace.

Logins, failed logins, lockouts, CSRF failures, 429s, password and email
changes, ended sessions and admin actions are written to the `blog.security`
logger as one JSON object per line: what happened, to whom, when, from where,
and the request's id (also sent back as the X-Request-Id header), so a line
can be matched with the server's access log. Never a password, a token or an
email's body: callers pass ids and short facts only.
"""

import json
import logging
import secrets
from datetime import UTC, datetime

from flask import g, has_request_context, request

logger = logging.getLogger("blog.security")

# Keys a caller may never log, whatever it passes: a defence against a slip.
FORBIDDEN_KEYS = frozenset({"password", "new_password", "current_password", "token", "body"})


def request_id():
    """This request's id: a short random hex string, made once per request."""
    if "request_id" not in g:
        g.request_id = secrets.token_hex(8)
    return g.request_id


def security_event(action, *, user=None, **details):
    """Write one security event: `action` (e.g. "login.failed"), the member it concerns, facts.

    `user` is a User (or None); only its id is logged. `details` are short
    facts (a reason, a scope, a session id); password-like keys are refused.
    """
    bad = FORBIDDEN_KEYS.intersection(details)
    if bad:
        raise ValueError(f"never log {sorted(bad)} in a security event")
    record = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": action,
        "user_id": getattr(user, "id", None),
    }
    if has_request_context():
        record.update(
            ip=request.remote_addr,
            method=request.method,
            path=request.path,
            request_id=request_id(),
        )
    record.update(details)
    logger.info(json.dumps(record, default=str, ensure_ascii=False))
    return record


def init_app(app):
    """Send events to stderr (or SECURITY_LOG_FILE) and tag every response with its request id."""
    if not logger.handlers:
        path = app.config.get("SECURITY_LOG_FILE")
        handler = logging.FileHandler(path) if path else logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        # Events are the operator's: keep them out of the app's own log handlers.
        logger.propagate = True

    @app.after_request
    def tag_response(response):
        response.headers.setdefault("X-Request-Id", request_id())
        return response
