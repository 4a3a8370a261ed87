"""Comments on an article. The spec's comments are flat: replies come after
the comment they answer, and "[deleted]" placeholders are left out. The list
is complete for any ordinary discussion, and stops at API_MAX_COMMENTS (100,
the first in reading order) so that a flooded article costs the same to answer
as a quiet one. The list is encoded once for every reader (comment_list)."""

from flask import current_app, jsonify

from ..domain import comments
from ..web.page_cache import content_clock
from ..web.write_limits import limit_writes
from .articles import article_or_404
from .auth import asking_user, token_required, writer_required
from .blueprint import bp
from .comment_list import comments_answer
from .errors import not_found
from .payload import read_payload, text_fields
from .present import comment_json


@bp.get("/articles/<slug>/comments")
def list_comments(slug):
    clock = content_clock()  # before the article: what is read after is as new (comment_list)
    article = article_or_404(slug, with_tags=False)
    return current_app.response_class(comments_answer(asking_user(), article, clock),
                                      mimetype="application/json")


@bp.post("/articles/<slug>/comments")
@writer_required
@limit_writes("comment", member=asking_user)
def add_comment(slug):
    article = article_or_404(slug, with_tags=False)
    fields = text_fields(read_payload("comment"), required=("body",))
    comment = comments.add_comment(asking_user(), article, fields["body"])
    # Spec 1.1.0 said 200; 2.0.0 says 201 Created (1.1.0 clients take any 2xx).
    return jsonify(comment=comment_json(comment, False)), 201


@bp.delete("/articles/<slug>/comments/<id:comment_id>")
@token_required
def delete_comment(slug, comment_id):
    article = article_or_404(slug, with_tags=False)
    comment = comments.get_comment(comment_id)
    if comment is None or comment.article_id != article.id or comment.is_deleted:
        raise not_found("comment")
    comments.delete_comment(comment, asking_user())
    return "", 204
