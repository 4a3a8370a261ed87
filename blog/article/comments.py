"""Comment pages. Each view parses the form, calls blog.domain.comments, and answers."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ..domain import comments, permissions
from ..domain.comments import CommentError
from ..web.write_limits import limit_writes, redirected
from .comment_forms import CommentForm, EditCommentForm
from .views import render_article, shown_or_404, visible_or_404

bp = Blueprint("comment", __name__)


def comment_or_404(comment_id):
    """(comment, article) when both exist and the viewer may see the article; else 404."""
    comment = comments.get_comment(comment_id)
    # A "[deleted]" placeholder is gone as far as anyone's edits are concerned.
    if comment is None or comment.is_deleted:
        abort(404)
    article = comments.article_of(comment)
    if not permissions.can_view(current_user, article):
        abort(404)
    return comment, article


def to_comment(article, comment):
    """Back to the article, at `comment`.

    A small discussion shows whole on the article's page. In a long one the
    comment may lie past the first page, so its own thread shows, from it on.
    """
    config = current_app.config
    anchor = f"comment-{comment.id}"
    whole = min(config["COMMENT_THREADS_PER_PAGE"], config["COMMENT_REPLIES_SHOWN"])
    if article.comments_count <= whole:
        return redirect(url_for("article.show", slug=article.slug, _anchor=anchor))
    if comment.parent_id is None:
        place = {"thread": comment.id}
    else:
        place = {"thread": comment.parent_id, "replies_from": comment.id}
    return redirect(url_for("article.show", slug=article.slug, **place, _anchor=anchor))


def show_error(form, error):
    """Put a CommentError beside its field."""
    form[error.field].errors = [*form[error.field].errors, error.message]


@bp.route("/articles/<slug>/comments", methods=["POST"])
@login_required
@limit_writes("comment")
def create(slug):
    article = visible_or_404(slug, with_tags=False)
    user = current_user._get_current_object()
    comments.require_may_comment(user, article)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment = comments.add_comment(user, article, form.body.data, form.parent_id.data)
        except CommentError as error:
            show_error(form, error)
        else:
            flash("Your comment is posted.", "success")
            return to_comment(article, comment)
    # Refused: the page again, read as the article's page reads it (tags and marks).
    return render_article(shown_or_404(article.slug), comment_form=form, status=422)


@bp.route("/comments/<id:comment_id>/edit", methods=["GET", "POST"])
@login_required
@limit_writes("edit", counted=redirected)
def edit(comment_id):
    comment, article = comment_or_404(comment_id)
    user = current_user._get_current_object()
    permissions.require(permissions.can_edit_comment(user, comment), "comment")
    form = EditCommentForm() if request.method == "POST" else EditCommentForm(body=comment.body)
    if form.validate_on_submit():
        try:
            comments.edit_comment(comment, user, form.body.data)
        except CommentError as error:
            show_error(form, error)
        else:
            flash("Your comment is saved.", "success")
            return to_comment(article, comment)
    status = 422 if form.is_submitted() else 200
    return render_template("comment/edit.html", form=form, comment=comment, article=article), status


@bp.route("/comments/<id:comment_id>/delete", methods=["POST"])
@login_required
def delete(comment_id):
    comment, article = comment_or_404(comment_id)
    comments.delete_comment(comment, current_user._get_current_object())
    flash("The comment is deleted.", "info")
    return redirect(url_for("article.show", slug=article.slug, _anchor="comments"))
