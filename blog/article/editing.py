"""The editor's page for the new and edit views: saving, previewing, pictures."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import articles, uploads
from ..domain.articles import ArticleError
from ..domain.errors import FieldError
from ..web.write_limits import previewing, uploading_image


def render_editor(form, article=None, preview=None, status=200):
    """The editor page, with `form` as it is (its errors beside their fields)."""
    return render_template(
        "article/editor.html", form=form, article=article, preview=preview
    ), status


def picture_sent(name):
    """The bytes of the picture in file field `name`, or None when none was chosen."""
    sent = request.files.get(name)
    return sent.read() if sent and sent.filename else None


def insert_image(form, article):
    """"Upload image" without JavaScript: the picture stored, its Markdown added to the body.

    Nothing else is saved: the editor comes back with the longer body.
    """
    sent = request.files.get("image")
    try:
        stored = uploads.store(current_user._get_current_object(),
                               picture_sent("image") or b"", "inline")
    except FieldError as error:
        form.image.errors = [error.message]
        return render_editor(form, article, status=422)
    markdown = uploads.markdown_for(stored, sent.filename)
    form.body.data = f"{(form.body.data or '').rstrip()}\n\n{markdown}\n".lstrip()
    return render_editor(form, article)


def with_cover(form):
    """The form's article fields, the cover uploaded (if one was chosen) as its address."""
    fields = form.article_fields()
    cover = picture_sent("cover_file")
    if cover is not None:
        stored = uploads.store(current_user._get_current_object(), cover, "cover")
        fields["cover_url"] = uploads.media_url(stored)
    return fields


def save(form, article=None):
    """Preview, or save through blog.domain.articles; the response either way."""
    if uploading_image():
        return insert_image(form, article)
    # The same test as the limit's exemption: a form the limit lets through
    # as a preview must not be saved (an empty preview= field once was).
    if previewing():
        try:
            # Nothing is saved: only the body is rendered, as it would be on save.
            html = articles.preview_html(form.body.data or "")
        except ArticleError as error:
            form.body.errors = [error.message]
            return render_editor(form, article, status=422)
        return render_editor(form, article, preview=html)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            fields = with_cover(form)
            if article is None:
                article = articles.create_article(user, **fields)
            else:
                article = articles.update_article(article, user, **fields)
        except FieldError as error:  # an ArticleError, or the cover's picture refused
            form["cover_file" if error.field == "image" else error.field].errors.append(
                error.message)
        else:
            if article.is_published:
                flash("Your article is published.", "success")
                return redirect(url_for("article.show", slug=article.slug))
            # A draft is found again on the dashboard, with the member's other drafts.
            flash(f"Your draft “{article.title}” is saved.", "success")
            return redirect(url_for("profile.dashboard", tab="drafts"))
    return render_editor(form, article, status=422)


def saves_nothing():
    """Preview and "Upload image" save no article."""
    return previewing() or uploading_image()
