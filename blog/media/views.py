"""Serving stored pictures, and the editor's upload of an image for an article's body."""

from flask import Blueprint, abort, jsonify, request, send_file
from flask_login import current_user, login_required

from ..domain import permissions, uploads
from ..domain.errors import FieldError
from ..web.security import takes_pictures
from ..web.write_limits import limit_writes

bp = Blueprint("media", __name__)

# A stored name never changes what it holds: browsers and proxies keep it for a year.
A_YEAR = 365 * 24 * 3600
# Opened on its own, a picture is a document: nothing in it may run or load anything.
PICTURE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@bp.route("/media/<name>")
def picture(name):
    found = uploads.served(name)
    if found is None:
        abort(404)
    file, content_type = found
    response = send_file(file, mimetype=content_type, conditional=True, max_age=A_YEAR,
                         etag=name.split(".")[0], last_modified=None)
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["Content-Security-Policy"] = PICTURE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-site"
    return response


@bp.route("/uploads", methods=["POST"])
@takes_pictures("image")
@login_required
@limit_writes("upload")
def upload():
    """The editor's "Upload image" (with JavaScript): the Markdown to insert, or the error.

    Without JavaScript the editor's own form uploads (blog/article/editing.py).
    """
    permissions.require_may_write(current_user)
    sent = request.files.get("image")
    try:
        stored = uploads.store(current_user._get_current_object(),
                               sent.read() if sent else b"", "inline")
    except FieldError as error:
        return jsonify(errors={"image": [error.message]}), 422
    url = uploads.media_url(stored)
    return jsonify(markdown=uploads.markdown_for(stored, sent.filename), url=url,
                   width=stored.width, height=stored.height)
