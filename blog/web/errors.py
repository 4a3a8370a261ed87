"""The pages (or JSON) that answer HTTP errors and the domain's refusals."""

from flask import current_app, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..domain.errors import Forbidden, NotFound
from ..events import security_event
from ..extensions import db

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please log in first.",
    403: "You are not allowed to do that.",
    404: "There is nothing at this address.",
    405: "This address does not accept that kind of request.",
    413: "What you sent is too large.",
    429: "Too many attempts. Please wait a little and try again later.",
    500: "Something went wrong on our side. It has been logged; please try again.",
}


def wants_json():
    """True for API paths and for clients that prefer JSON over HTML."""
    if request.path == "/api" or request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(code, message):
    """The one way to answer with an error, as JSON or as a page."""
    if wants_json():
        return jsonify(errors={"body": [message]}), code
    return render_template("error.html", code=code, message=message), code


def _member():
    """The logged-in member, if any (an event's "who")."""
    return current_user if current_user.is_authenticated else None


def _takes_pictures():
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "takes_pictures", False)


def log_rate_limit_hit(error):
    """A 429: which limit, when Flask-Limiter says (not its key: it may hold a typed address)."""
    limit = getattr(error, "limit", None)
    scope = getattr(limit, "scope", None)
    security_event(
        "rate_limit.exceeded",
        user=_member(),
        limit=str(limit.limit) if limit is not None else None,
        scope=scope if isinstance(scope, str) else request.endpoint,
    )


def init_app(app):
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        # The reason is Flask-WTF's ("The CSRF token is missing."), never the token.
        security_event("csrf.failed", user=_member(), reason=error.description)
        return error_response(
            400, "Your form expired or was sent from somewhere else. Go back, reload and try again."
        )

    @app.errorhandler(Forbidden)
    def forbidden(error):
        # The one place a domain refusal becomes a page: its reason, or ours.
        db.session.rollback()
        return error_response(403, error.reason or MESSAGES[403])

    @app.errorhandler(NotFound)
    def not_found(error):
        db.session.rollback()
        return error_response(404, error.reason or MESSAGES[404])

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code == 429:
            log_rate_limit_hit(error)
        # abort(403, "why") keeps its own words; a bare abort(403) gets ours.
        # Flask-Limiter describes a 429 by its limit ("5 per 1 minute"): ours reads better,
        # unless the limit has its own words (error_message).
        own_words = getattr(getattr(error, "limit", None), "error_message", None)
        custom = (error.code != 429 and error.description != type(error).description
                  or bool(own_words))
        message = error.description if custom else MESSAGES.get(error.code, error.description)
        if error.code == 413 and _takes_pictures():
            megabytes = app.config["UPLOAD_MAX_BYTES"] / 1024 / 1024
            message = f"This image is too big: use one of at most {megabytes:g} MB."
        response = app.make_response(error_response(error.code, message))
        # Keep what the exception had to say in headers (Allow on 405, for one).
        for header, value in error.get_headers():
            if header != "Content-Type":
                response.headers[header] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, MESSAGES[500])

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        db.session.rollback()
        return error_response(500, MESSAGES[500])
