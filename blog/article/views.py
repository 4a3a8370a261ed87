"""Article pages. Each view parses the form, calls blog.domain.articles, and answers."""

from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import ObjectDeletedError

from ..domain import (
    articles,
    drafts,
    permissions,
    reactions,
    shown_article,
)
from ..domain.articles import ArticleError
from ..domain.races import GONE
from ..extensions import db
from ..web.answers import answer_toggle
from ..web.errors import error_response
from ..web.security import takes_pictures
from ..web.write_limits import (
    limit_writes,
    no_picture_sent,
    redirected,
    undoing,
)
from .comment_section import comment_section, sharing_clock
from .editing import render_editor, save, saves_nothing
from .forms import ArticleForm

bp = Blueprint("article", __name__)


@bp.app_errorhandler(ObjectDeletedError)
def deleted_meanwhile(error):
    """A write went through, but its article (or comment) was deleted before the answer: 404.

    For every page and the API alike: answering reads the saved rows again,
    and someone else may have deleted them in between.
    """
    db.session.rollback()
    return error_response(404, GONE)


def visible_or_404(slug, with_tags=True):
    article = articles.get_visible_article(slug, current_user, with_tags)
    if article is None:
        abort(404)
    return article


def shown_or_404(slug):
    """The article at `slug` as its page shows it to this reader (a ShownArticle)."""
    shown = shown_article.article_shown(slug, current_user)
    if shown is None:
        abort(404)
    return shown


@bp.route("/new", methods=["GET", "POST"])
@takes_pictures("cover_file", "image")
@login_required
@limit_writes("article", counted=redirected, exempt=saves_nothing)
@limit_writes("upload", exempt=no_picture_sent)
def new():
    permissions.require_may_write(current_user)
    form = ArticleForm()
    if form.is_submitted():
        return save(form)
    return render_editor(form)


@bp.route("/preview", methods=["POST"])
@login_required
@limit_writes("preview")
def preview():
    """{"html": ...}: the form's `body` rendered as it would be saved (the editors' Preview tabs).

    Saves nothing. static/js/editor.js posts here with the CSRF token in a header.
    """
    body = request.form.get("body")
    if body is None:
        return jsonify(errors={"body": ["Send the Markdown to preview as body."]}), 422
    try:
        html = articles.preview_html(body)
    except ArticleError as error:
        return jsonify(errors={error.field: [error.message]}), 422
    return jsonify(html=html)


def render_article(shown, comment_form=None, status=200, clock=None):
    """The article page of `shown` (a ShownArticle); comment_form brings a refused comment
    back with its error. `clock`: comment_section.sharing_clock(), read before the article
    (its comments may then be shared)."""
    article = shown.article
    is_author = current_user.is_authenticated and current_user.id == article.author_id
    return render_template(
        "article/show.html",
        article=article,
        tags=shown.tags,
        liked=shown.liked,
        bookmarked=shown.bookmarked,
        is_author=is_author,
        following_author=shown.following_author,
        can_edit=permissions.can_edit,
        can_delete=permissions.can_delete,
        comments_section=comment_section(article, comment_form, clock),
    ), status


@bp.route("/articles/<slug>")
def show(slug):
    clock = sharing_clock(current_user)  # first: what is read next is at least as new
    shown = shown_or_404(slug)
    article = shown.article
    if article.slug != slug:  # a link from before the title changed
        # The query as it came: never as url_for's arguments (?slug=, ?_external= ...).
        query = urlencode(list(request.args.items(multi=True)))
        target = url_for("article.show", slug=article.slug)
        return redirect(f"{target}?{query}" if query else target, 301)
    return render_article(shown, clock=clock)


@bp.route("/articles/<slug>/edit", methods=["GET", "POST"])
@takes_pictures("cover_file", "image")
@login_required
@limit_writes("edit", counted=redirected, exempt=saves_nothing)
@limit_writes("upload", exempt=no_picture_sent)
def edit(slug):
    article = visible_or_404(slug)
    permissions.require(permissions.can_edit(current_user, article), "article")
    if request.method == "POST":
        return save(ArticleForm(), article)
    form = ArticleForm(data={
        "title": article.title,
        "description": article.description,
        "cover_url": article.cover_url,
        "tags": " ".join(tag.name for tag in article.tags),
        "body": article.body,
    })
    return render_editor(form, article)


@bp.route("/articles/<slug>/delete", methods=["POST"])
@login_required
def delete(slug):
    article = visible_or_404(slug)
    articles.delete_article(article, current_user)
    flash("The article is deleted.", "info")
    return redirect(url_for("feed.index"))


REACTIONS = {
    "like": reactions.like,
    "unlike": reactions.unlike,
    "bookmark": reactions.bookmark,
    "unbookmark": reactions.unbookmark,
}


@bp.route("/articles/<slug>/<any(like, unlike, bookmark, unbookmark):action>", methods=["POST"])
@login_required
@limit_writes("reaction", exempt=undoing)
def react(slug, action):
    """Like, Unlike, Bookmark and Unbookmark buttons (CSRF is checked by CSRFProtect)."""
    article = visible_or_404(slug, with_tags=False)
    state = REACTIONS[action](current_user._get_current_object(), article)
    return answer_toggle(state, "article.show", slug=slug)


@bp.route("/articles/<slug>/autosave", methods=["POST"])
@login_required
@limit_writes("autosave")
def autosave(slug):
    """The editor's script keeps a saved draft's words as they are typed: JSON in, JSON out."""
    article = visible_or_404(slug, with_tags=False)
    form = request.form
    try:
        saved_at = drafts.autosave(article, current_user, form.get("title"),
                                   form.get("description"), form.get("body"), form.get("cover_url"))
    except ArticleError as error:
        return jsonify(errors={error.field: [error.message]}), 422
    return jsonify(saved_at=saved_at.isoformat(timespec="seconds") + "Z")
