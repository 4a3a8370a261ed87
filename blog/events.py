"""The security event log: one structured line per thing an operator may need to trace.

Logins, failed logins, lockouts, CSRF failures, 429s, password and email
changes, ended sessions and admin actions are written to the `blog.security`
logger as one JSON object per line: what happened, to whom, when, from where,
and the request's id (also sent back as the X-Request-Id header), so a line
can be matched with the server's access log. Never a password, a token or an
email's body: callers pass ids and short facts only.

Each line goes to the SECURITY_LOG_FILE of the app that wrote it, or to
stderr. Records also travel up to Python's root logger like any other log
(pytest's caplog reads them there); each one carries its fields as a dict
in `record.security_event`.
"""

import json
import logging
import re
import secrets
import sys
from datetime import UTC, datetime

from flask import current_app, g, has_app_context, has_request_context, request
from flask.logging import default_handler

logger = logging.getLogger("blog.security")

# Keys a caller may never log, whatever it passes: a defence against a slip.
FORBIDDEN_KEYS = frozenset({
    "password", "new_password", "current_password", "confirm", "token", "body",
    "email_body", "secret", "authorization", "cookie",
})
# What a proxy's request id may look like (nginx's $request_id is 32 hex digits).
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id():
    """This request's id, made once per request.

    Behind TRUSTED_PROXIES the proxy's X-Request-Id is kept, so our lines
    match its access log; otherwise a client could choose it, so we never read it.
    """
    if "request_id" not in g:
        g.request_id = new_request_id(request.environ, current_app.config)
    return g.request_id


def new_request_id(environ, config):
    """The id of the request in `environ`: its proxy's, when trusted, or a new one."""
    sent = environ.get("HTTP_X_REQUEST_ID", "")
    trusted = config["TRUSTED_PROXIES"] and REQUEST_ID.fullmatch(sent)
    return sent if trusted else secrets.token_hex(8)


def security_event(action, user=None, **details):
    """Write one security event: `action` (e.g. "login.failed"), the member it concerns, facts.

    `user` is a User (or None); its id and username are logged. `details` are
    short facts (a reason, a scope, a session id); password-like keys are refused.
    Returns the event as a dict.
    """
    bad = FORBIDDEN_KEYS.intersection(key.lower() for key in details)
    if bad:
        raise ValueError(f"never log {sorted(bad)} in a security event")
    event = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": action,
        "user_id": getattr(user, "id", None),
        "username": getattr(user, "username", None),
    }
    if has_request_context():
        event.update(
            ip=request.remote_addr,
            method=request.method,
            path=loggable_path(),
            request_id=request_id(),
        )
    event.update(details)
    line = json.dumps(event, default=str, ensure_ascii=False)
    logger.info(line, extra={"security_event": event})
    return event


def loggable_path():
    """The request's path, with the route's pattern in place of an emailed link's token."""
    rule = request.url_rule
    if rule is not None and "token" in rule.arguments:
        return rule.rule  # /auth/reset/<token>: the token itself logs a member in
    return request.path


class AppSink(logging.Handler):
    """Write each event to the log file of the app it happened in, or to stderr.

    The file is opened for each line: events are few, several apps (or
    processes) may share a file, and a rotated file is picked up at once.
    """

    def emit(self, record):
        try:
            line = self.format(record) + "\n"
            path = current_app.config.get("SECURITY_LOG_FILE") if has_app_context() else None
            if path:
                with open(path, "a", encoding="utf-8") as log:
                    log.write(line)
            else:
                sys.stderr.write(line)
                sys.stderr.flush()
        except Exception:  # noqa: BLE001 - logging must never break the request
            self.handleError(record)


def _not_an_event(record):
    return not record.name.startswith(logger.name)


def _install_sink():
    """Once per process, however many apps are created."""
    if not any(isinstance(handler, AppSink) for handler in logger.handlers):
        sink = AppSink()
        sink.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(sink)
    logger.setLevel(logging.INFO)
    logger.disabled = False  # a logging.config call with disable_existing_loggers would mute us
    # Flask's own handler on the app's logger ("blog") would print each event
    # a second time, prefixed, on stderr.
    default_handler.addFilter(_not_an_event)


def init_app(app):
    """Check that SECURITY_LOG_FILE can be written; tag every response with its request id."""
    path = app.config.get("SECURITY_LOG_FILE")
    if path:
        try:
            with open(path, "a", encoding="utf-8"):
                pass
        except OSError as error:
            raise RuntimeError(
                f"Refusing to start: SECURITY_LOG_FILE {path!r} cannot be written ({error})."
            ) from None
    _install_sink()

    @app.after_request
    def tag_response(response):
        response.headers.setdefault("X-Request-Id", request_id())
        return response
