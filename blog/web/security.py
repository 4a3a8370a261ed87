"""Response headers that every page carries, and the client address behind a proxy."""

import re

from flask import current_app, g, jsonify, request, session
from werkzeug.http import parse_cookie
from werkzeug.middleware.proxy_fix import ProxyFix

from .errors import error_response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Uploaded pictures are our own (/media/); covers and profile pictures
        # given by address may point at any https image.
        "img-src 'self' https: data:",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

# Files that are the same for everyone and carry their own caching headers: the
# app's static files and uploaded pictures (/media/, named by their content).
SHARED_FILES = frozenset({"static", "media.picture"})


def trust_proxies(app):
    """Read the client's address, scheme and host from the configured proxies' headers.

    Called last in the factory: the proxy's view of the request must be the outermost
    layer, seen by the page cache's middleware as well as by Flask.
    """
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        # Behind nginx or Caddy the client's address is in X-Forwarded-For;
        # rate limits per IP need it. Trusting it without a proxy would let
        # anyone choose their own address, hence off by default.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )


def init_app(app):
    """Add the security headers to every response."""
    https = app.config["BASE_URL"].startswith("https://")

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if https:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    @app.after_request
    def keep_personal_answers_out_of_caches(response):
        if request.endpoint in SHARED_FILES and "Set-Cookie" not in response.headers:
            return response  # the same file for everyone, logged in or not
        # An API answer depends on the token, a page on the cookie: say so to shared caches.
        response.vary.add("Authorization" if is_api_request() else "Cookie")
        if is_personal(response):
            response.headers["Cache-Control"] = "no-store"
        elif request.method in ("GET", "HEAD") and response.status_code == 200:
            share_briefly(response)
        elif response.status_code == 301:
            # Kept for good without an age: an old slug an article takes back would loop.
            response.cache_control.public = True
            response.cache_control.max_age = current_app.config["PUBLIC_MAX_AGE"]
        return response


def share_briefly(response):
    """Let browsers and shared caches keep a public answer a few seconds, then serve it
    stale while they fetch it again; the ETag turns an unchanged page into a bodiless 304."""
    config = current_app.config
    if "Cache-Control" in response.headers:  # the view's own directives stay beside ours
        control = response.cache_control
        control.public, control.max_age = True, config["PUBLIC_MAX_AGE"]
        control.stale_while_revalidate = config["PUBLIC_STALE_WHILE_REVALIDATE"]
    else:  # one string: the property parses and writes the header again at each change
        response.headers["Cache-Control"] = (f"public, max-age={config['PUBLIC_MAX_AGE']}, "
            f"stale-while-revalidate={config['PUBLIC_STALE_WHILE_REVALIDATE']}")
    if not response.is_streamed:
        response.add_etag()
        response.make_conditional(request)


def is_api_request():
    return request.path == "/api" or request.path.startswith("/api/")


# Session keys a visitor has too; anything else (a login, a flashed message,
# an address to check) makes the answer personal. Unknown keys count as personal.
VISITOR_SESSION_KEYS = frozenset({"csrf_token", "_fresh", "_permanent"})


def carries_emailed_links():
    """An emailed link's own page (the form posts its token back), or the dev mailbox's."""
    return "token" in (request.view_args or {}) or request.blueprint == "dev"


def request_may_share_before_flask(environ, config, session_cookie_allowed=False):
    """The rule of shared answers that the request line and headers decide: a GET or HEAD
    that names nobody (no Authorization, no remember-me cookie) and, before Flask has read
    the session, carries no session cookie at all.

    The page cache's middleware asks it as it is; `request_may_share` asks it with the
    session cookie allowed, then looks inside the session itself.
    """
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or _names_someone(environ, config):
        return False
    return session_cookie_allowed or config["SESSION_COOKIE_NAME"] not in _cookies(environ)


def _cookies(environ):
    return parse_cookie(environ) if "HTTP_COOKIE" in environ else {}


def _names_someone(environ, config):
    """A member's token or remember-me cookie is in the request's headers."""
    return bool(
        "HTTP_AUTHORIZATION" in environ
        or config.get("REMEMBER_COOKIE_NAME", "remember_token") in _cookies(environ)
    )


def request_may_share():
    """True when the answer to this request may be one every visitor shares.

    Decided before the view, from the request and the session cookie alone,
    never from the database: a member's (or a flashed message's) request is not.
    """
    return not (
        not request_may_share_before_flask(request.environ, current_app.config,
                                           session_cookie_allowed=True)
        or request.endpoint in SHARED_FILES
        or _asked_by_someone()
        or "flow_ring" in current_app.extensions  # the inspector's bar tells this browser's story
    )


def _asked_by_someone():
    """The request names one person: a member's token or cookie, an emailed link, a
    session holding more than a visitor's (Flask-Login's _user_id, a flashed message)."""
    return bool(
        _names_someone(request.environ, current_app.config)
        or carries_emailed_links()
        or not VISITOR_SESSION_KEYS.issuperset(session.keys())
    )


def is_personal(response):
    """True when `response` belongs to one person and must not be stored by any cache.

    Decided from the request and the session alone, never from the database:
    list pages count their SQL statements.
    """
    return bool(
        request.method not in ("GET", "HEAD", "OPTIONS")  # logins, registrations, changes
        or _asked_by_someone()
        # A cookie set now (the session's is written after this hook) is this browser's alone.
        or session.modified
        # A form's CSRF token is this browser's (Flask-WTF keeps the one it made in g).
        or current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g
        or "Set-Cookie" in response.headers
        # The flow inspector's bar tells this browser's own requests.
        or ("flow_ring" in current_app.extensions and response.mimetype == "text/html")
    )


# PostgreSQL cannot store NUL in text, and no database driver can encode a
# lone UTF-16 surrogate: either fails the query with a 500. The other C0
# controls (but tab, newline and carriage return), DEL and U+FFFE/U+FFFF are
# storable but break what we write from them (XML 1.0 cannot hold them: one in
# a title made the Atom feed unreadable). No person types any of them.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
MAX_JSON_DEPTH = 32


class Unstorable(ValueError):
    """The request holds a character the database cannot store, or JSON nested too deep."""


def _check_strings(value):
    """Raise Unstorable when `value` (JSON, or strings) holds an unstorable character.

    Iterative, with a depth limit: a deeply nested body must not blow the stack.
    """
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                raise Unstorable
        elif isinstance(item, dict | list | tuple):
            if depth > MAX_JSON_DEPTH:
                raise Unstorable
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)


def _sent_json():
    try:
        return request.get_json(silent=True)
    except RecursionError:  # json.loads on thousands of nested brackets
        raise Unstorable from None


def _page_body_problem(body):
    """Why a page (not the API) cannot take this request's body, or None.

    Pages take form fields. Flask-WTF reads a JSON object as if it were a form,
    and uploaded files as fields: either would hand a number, a list or a file
    to a field that expects text. A page that takes an upload says so with
    @takes_files (the import form in Settings).
    """
    view = current_app.view_functions.get(request.endpoint)
    if request.files and not getattr(view, "takes_files", False):
        return "This address takes no files."
    file_fields = getattr(view, "file_fields", None)
    if file_fields is not None and not file_fields.issuperset(request.files):
        return "Send a file only in a file's field."
    if body is not None and not (
        isinstance(body, dict) and all(isinstance(value, str) for value in body.values())
    ):
        return "Send the form's fields as text."
    return None


def takes_files(view):
    """Mark a page's view as one whose form uploads files (others refuse any file)."""
    view.takes_files = True
    return view


def takes_pictures(*fields):
    """Mark a view (a page's or the API's) whose `fields` take an uploaded picture: its
    requests may be UPLOAD_MAX_BYTES larger than MAX_CONTENT_LENGTH (the rest of the
    form), and a file sent in any other field is refused (it would reach a text field)."""

    def mark(view):
        view.takes_files = True
        view.takes_pictures = True
        view.file_fields = frozenset(fields)
        return view

    return mark


def _allow_pictures():
    """Raise this request's size limit when its view takes a picture (before any read)."""
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "takes_pictures", False):
        config = current_app.config
        request.max_content_length = config["MAX_CONTENT_LENGTH"] + config["UPLOAD_MAX_BYTES"]


def _query_arguments():
    """The query's names and values; a query that is not UTF-8 (Werkzeug decodes it
    strictly, and would fail every later reader with a 500) is refused the same way."""
    try:
        return list(request.args.items(multi=True))
    except UnicodeDecodeError:
        raise Unstorable from None


def refuse_unstorable_input(app):
    """Answer a request whose path, query, form or JSON the database could not store with a 4xx.

    It runs before anything reads the request, the rate limiter included (its
    keys look accounts up from the request). Pages also refuse bodies no form can read.
    """

    @app.before_request
    def refuse_unstorable():
        body = None
        _allow_pictures()
        try:
            _check_strings([request.path, *_query_arguments()])
            if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                _check_strings(list(request.form.items(multi=True)))
            if request.is_json:
                body = _sent_json()
                _check_strings(body)
        except Unstorable:
            if is_api_request():
                return jsonify(errors={"body": ["contains characters that cannot be used"]}), 422
            return error_response(400, "The request contains a character that cannot be used.")
        problem = None if is_api_request() else _page_body_problem(body)
        if problem:
            return error_response(400, problem)
        return None
