"""The access log: one line per request on the terminal, as a self-hoster expects of a server.

    2026-11-30T13:56:20Z 3f2a1b9c0d4e5f6a POST /articles/hello/like 200 12ms sql=6 member=7

Time, the request id (also in the X-Request-Id header and in the security
event log), method, path, status, duration, SQL statements run, and the
member's id or "-". Waitress itself logs no requests. ACCESS_LOG=0 turns it
off; ACCESS_LOG_FILE sends it to a file instead of stderr.
"""

import logging
import sys
import time
from datetime import UTC, datetime

from flask import current_app, g, has_request_context, request, request_finished, request_started
from flask.logging import default_handler
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine

from ..events import loggable_path, request_id

logger = logging.getLogger("blog.access")


def _started(sender, **extra):
    g.access_started = time.perf_counter()
    g.sql_count = 0


@event.listens_for(Engine, "before_cursor_execute")
def _count_statement(conn, cursor, statement, parameters, context, executemany):
    # Statements outside a request (the mail worker, the CLI) are nobody's line.
    if has_request_context() and "sql_count" in g:
        g.sql_count += 1


def member_id():
    """Who the request was, as far as it already knows: no extra query just to log it.

    The id is read from the row's identity, which a commit does not expire
    (reading `user.id` after one would load the row again).
    """
    for user in (g.get("_login_user"), g.get("api_user")):
        state = inspect(user, raiseerr=False) if user is not None else None
        if state is not None and state.identity:
            return str(state.identity[0])
    return "-"


def line_for(response):
    """The log line of the request being answered."""
    return format_line(request_id(), request.method, loggable_path(), request.query_string,
                       response.status_code, g.get("access_started"), g.get("sql_count", 0),
                       member_id())


def format_line(rid, method, path, query_string, status, started, sql, member):
    """One line: `started` is the perf_counter() at the request's start (None: now)."""
    took = (time.perf_counter() - (started or time.perf_counter())) * 1000
    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    query = query_string.decode("latin-1")
    path += f"?{query}" if query else ""
    return f"{now} {rid} {method} {path} {status} {took:.0f}ms sql={sql} member={member}"


def write_line(config, line, rid):
    """Log `line` as the app with `config` wants it (also outside any app context)."""
    if config["ACCESS_LOG"]:
        logger.info(line, extra={"request_id": rid,
                                 "access_log_file": config.get("ACCESS_LOG_FILE")})


def _finished(sender, response, **extra):
    write_line(current_app.config, line_for(response), request_id())


class _Sink(logging.Handler):
    """Each line to the ACCESS_LOG_FILE of the app that served it, or to stderr."""

    def emit(self, record):
        try:
            line = self.format(record) + "\n"
            path = getattr(record, "access_log_file", None)
            if path:
                with open(path, "a", encoding="utf-8") as log:
                    log.write(line)
            else:
                sys.stderr.write(line)
        except Exception:  # noqa: BLE001 - logging must never break the request
            self.handleError(record)


def init_app(app):
    """Log every request of `app`."""
    if not any(isinstance(handler, _Sink) for handler in logger.handlers):
        logger.addHandler(_Sink())
        logger.setLevel(logging.INFO)
        # Lines travel up to the root logger (pytest's caplog reads them there),
        # but not through Flask's handler on the "blog" logger: no second copy.
        default_handler.addFilter(lambda record: record.name != logger.name)
    request_started.connect(_started, app)
    request_finished.connect(_finished, app)
