"""Redirects that stay on this site."""

from urllib.parse import urlsplit

from flask import redirect, request, url_for
from werkzeug.routing import IntegerConverter

MAX_ROW_ID = 2**31 - 1  # PostgreSQL's INTEGER


def is_safe_next(target):
    """True for a path on this site: no scheme, no host, not protocol-relative."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def redirect_next(default_endpoint="feed.index", **values):
    """Redirect to ?next= (or the form's next) when it is on this site, else to the default."""
    target = request.args.get("next") or request.form.get("next")
    if is_safe_next(target):
        return redirect(target)
    return redirect(url_for(default_endpoint, **values))


def referrer_path():
    """The path of the page this request came from, when it was one of ours; else None."""
    referrer = request.referrer or ""
    host = request.host_url.rstrip("/")
    if referrer.startswith(host + "/"):
        path = referrer[len(host):]
        if is_safe_next(path):
            return path
    return None


def redirect_back(default_endpoint="feed.index", **values):
    """Redirect to the page the user came from, when it was one of ours."""
    path = referrer_path()
    if path:
        return redirect(path)
    return redirect_next(default_endpoint, **values)


class RowIdConverter(IntegerConverter):
    """`<id:name>` in a route: a row id, a whole number from 1 to what the database holds.

    Anything else does not match the route (404), rather than reaching the
    database and failing there ("integer out of range" on PostgreSQL).
    """

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ROW_ID)
