"""Kept pages answered before Flask: a visitor's hit costs a cache read, not a request.

A hit through Flask still pays for the request context, the session, every before and
after hook: most of the time of a page that is already built. This WSGI middleware,
inside ProxyFix (the factory wraps it last), answers a request that names nobody (the
rule is `security.request_may_share_before_flask`) with the entry the page cache kept,
when that entry is fresh (same key, same content clock) and was kept with the headers
Flask sent: body, status and headers as they were, a new X-Request-Id and Date,
X-Page-Cache: hit, and a 304 when If-None-Match names its ETag. The access log still
gets its line. Anything else (a miss, a stale page, a member, a CORS request) goes to
Flask unchanged, which builds, keeps and serves pages as before.

Not installed when PAGE_CACHE is off, nor with the flow inspector on: the inspector must
see every request (and with it on, no page is kept anyway).
"""

import logging
import time

from werkzeug.exceptions import SecurityError
from werkzeug.http import HTTP_STATUS_CODES, http_date

from ..events import new_request_id
from . import access_log
from .page_cache import page_key
from .security import request_may_share_before_flask

log = logging.getLogger("blog.pages")

# A request that makes its answer conditional: Werkzeug's make_conditional decides it.
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE",
               "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE")


class KeptPages:
    """WSGI middleware around `app.wsgi_app` that serves fresh kept pages itself."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        try:
            found = self._kept_entry(environ)
        except Exception as error:  # noqa: BLE001 - a cache that fails is a miss, never a 500
            log.warning("page served by Flask, the middleware failed: %r", error)
            found = None
        if found is None:
            return self.wsgi_app(environ, start_response)
        entry, request = found
        rid = new_request_id(environ, self.app.config)
        if any(name in environ for name in CONDITIONAL):
            # As Flask does for the page it built: 304 (or 412) when the client already
            # holds this ETag. Werkzeug decides, exactly as it did for Flask's answer.
            response = self.app.response_class(entry["body"], status=entry["status"],
                                               headers=entry["headers"])
            response.headers["X-Request-Id"] = rid
            response.headers["X-Page-Cache"] = "hit"
            response.make_conditional(environ)
            self._log(request, response.status_code, rid, started)
            return response(environ, start_response)
        # The common hit, without building a Response: the kept headers as they are.
        body, status = entry["body"], entry["status"]
        start_response(f"{status} {HTTP_STATUS_CODES[status]}", [
            *entry["headers"], ("Content-Length", str(len(body))), ("Date", _date_now()),
            ("X-Request-Id", rid), ("X-Page-Cache", "hit")])
        self._log(request, status, rid, started)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _kept_entry(self, environ):
        """(entry, request) of a fresh kept page that answers `environ`, or None."""
        config = self.app.config
        # An Origin gets CORS headers of its own: Flask adds them.
        if "HTTP_ORIGIN" in environ or not request_may_share_before_flask(environ, config):
            return None
        store = self.app.extensions.get("page_store")
        if store is None:
            return None
        request = self.app.request_class(environ)
        if config["TRUSTED_HOSTS"] is not None:
            request.trusted_hosts = config["TRUSTED_HOSTS"]  # Flask refuses others: let it
        try:
            key = page_key(request)
        except (UnicodeDecodeError, SecurityError):
            return None  # a query that is not UTF-8, a Host not trusted: Flask answers 400
        clock = store.clock()
        entry = store.peek(key, clock) if clock is not None else None
        return None if entry is None else (entry, request)

    def _log(self, request, status, rid, started):
        config = self.app.config
        if config["ACCESS_LOG"]:
            # The line Flask would write: no SQL ran, and the request named nobody.
            line = access_log.format_line(rid, request.method, request.path,
                                          request.query_string, status, started, 0, "-")
            access_log.write_line(config, line, rid)


def _date_now(cache=[0, ""]):  # noqa: B006 - one formatted Date per second, for all threads
    now = int(time.time())
    if cache[0] != now:
        cache[:] = [now, http_date(now)]
    return cache[1]


def init_app(app):
    """Wrap `app.wsgi_app` (before ProxyFix wraps it) when kept pages may be served."""
    if app.config["PAGE_CACHE"] and not app.config["FLOW_INSPECTOR"]:
        app.wsgi_app = KeptPages(app, app.wsgi_app)
