"""Response headers that every page carries, and the client address behind a proxy."""

from werkzeug.middleware.proxy_fix import ProxyFix

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
