"""POST /api/uploads: a picture for the member's profile, an article's cover or its body.

The same rule as the pages' uploads (blog.domain.uploads.store): checked by content,
re-encoded, stored once; the answer's `url` goes in PUT /user's `image`, and its
`markdown` in an article's body.
"""

from flask import jsonify, request

from ..domain import uploads
from ..models import UPLOAD_KINDS
from ..web.security import takes_pictures
from ..web.write_limits import limit_writes
from .auth import asking_user, writer_required
from .blueprint import bp
from .errors import ApiError
from .present import picture_address


@bp.post("/uploads")
@takes_pictures("image")
@writer_required
@limit_writes("upload", member=asking_user)
def upload():
    kind = request.form.get("kind") or "inline"
    if kind not in UPLOAD_KINDS:
        raise ApiError.on(422, "kind", f"must be one of {', '.join(UPLOAD_KINDS)}")
    sent = request.files.get("image")
    stored = uploads.store(asking_user(), sent.read() if sent else b"", kind)
    return jsonify(upload={
        "url": picture_address(uploads.media_url(stored)),
        "markdown": uploads.markdown_for(stored, sent.filename),
        "contentType": stored.content_type,
        "width": stored.width,
        "height": stored.height,
    }), 201
