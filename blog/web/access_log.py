"""The access log: one line per request on the terminal, as a self-hoster expects of a server.

    2026-11-30T13:56:20Z 3f2a1b9c0d4e5f6a POST /articles/hello/like 200 12ms sql=6 member=7

Time, the request id (also in the X-Request-Id header and in the security
event log), method, path, status, duration, SQL statements run, and the
member's id or "-". Waitress itself logs no requests. ACCESS_LOG=0 turns it
off; ACCESS_LOG_FILE sends it to a file instead of stderr.
"""

import logging
import os
import sys
import time

from flask import current_app, g, has_request_context, request, request_finished, request_started
from flask.logging import default_handler
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine

from ..events import loggable_path, request_id
from .turns import ARRIVED

logger = logging.getLogger("blog.access")


def _started(sender, **extra):
    # From its arrival, when it waited for a turn in the app (blog/web/turns.py).
    g.access_started = request.environ.get(ARRIVED) or time.perf_counter()
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
    now = _now_text()
    query = query_string.decode("latin-1")
    path += f"?{query}" if query else ""
    return f"{now} {rid} {method} {path} {status} {took:.0f}ms sql={sql} member={member}"


def _now_text(cache=[0, ""]):  # noqa: B006 - one formatted second, for all threads
    """Now in UTC to the second, 2026-11-30T13:56:20Z: formatted once a second."""
    now = int(time.time())
    if cache[0] != now:
        cache[:] = [now, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))]
    return cache[1]


def write_line(config, line, rid):
    """Log `line` as the app with `config` wants it (also outside any app context)."""
    if config["ACCESS_LOG"] and logger.isEnabledFor(logging.INFO):
        # logger.info() without its search of the stack for the caller's file and line
        # (a third of a kept page's whole answer): no access line shows them.
        record = logger.makeRecord(logger.name, logging.INFO, "", 0, line, (), None, extra={
            "request_id": rid, "access_log_file": config.get("ACCESS_LOG_FILE")})
        logger.handle(record)


def _finished(sender, response, **extra):
    write_line(current_app.config, line_for(response), request_id())


KEPT_FILES = 8


class _Sink(logging.Handler):
    """Each line to the ACCESS_LOG_FILE of the app that served it, or to stderr.

    A file stays open between lines (opening it for each line was most of the
    log's cost); like logging's WatchedFileHandler, a file that was moved or
    deleted (rotated) is opened again by the next line. Lines are appended
    whole (O_APPEND), so several processes may share one file.
    """

    def __init__(self):
        super().__init__()
        self.files = {}  # path: (open file, its device and inode)

    def emit(self, record):
        # Handler.handle holds the handler's lock around emit: one writer at a time.
        try:
            line = self.format(record) + "\n"
            path = getattr(record, "access_log_file", None)
            if path:
                log = self._open(path)
                log.write(line)
                log.flush()
            else:
                sys.stderr.write(line)
        except Exception:  # noqa: BLE001 - logging must never break the request
            self.handleError(record)

    def _open(self, path):
        kept = self.files.get(path)
        try:
            status = os.stat(path)
            now = (status.st_dev, status.st_ino)
        except FileNotFoundError:
            now = None
        if kept is not None and kept[1] == now:
            return kept[0]
        if kept is not None:
            kept[0].close()
        elif len(self.files) >= KEPT_FILES:  # apps with files of their own (tests): close one
            self.files.pop(next(iter(self.files)))[0].close()
        log = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open, closed on a rotation
        status = os.fstat(log.fileno())
        self.files[path] = (log, (status.st_dev, status.st_ino))
        return log


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
