"""Response headers that every page carries, and the client address behind a proxy."""

from flask import jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

from .errors import error_response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Article covers (later) may point at any https image.
        "img-src 'self' https: data:",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app):
    """Add the security headers to every response; trust the configured proxies."""
    https = app.config["BASE_URL"].startswith("https://")
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        # Behind nginx or Caddy the client's address is in X-Forwarded-For;
        # rate limits per IP need it. Trusting it without a proxy would let
        # anyone choose their own address, hence off by default.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

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


def _holds_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def refuse_nul_characters(app):
    """Answer a request carrying a NUL character with a 4xx before anything reads it.

    PostgreSQL cannot store NUL in text and fails the query (a 500), and no
    person types one. Registered before the rate limiter, whose keys look
    accounts up from the request.
    """

    @app.before_request
    def refuse_nul():
        sent = [request.path, *request.args.items(multi=True)]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sent.extend(request.form.items(multi=True))
        if request.is_json:
            sent.append(request.get_json(silent=True))
        if not any(_holds_nul(list(v) if isinstance(v, tuple) else v) for v in sent):
            return None
        if request.path.startswith("/api/"):
            return jsonify(errors={"body": ["must not contain NUL characters"]}), 422
        return error_response(400, "The request contains a character that cannot be used.")
