"""Your data, in Settings: export everything you wrote as a zip, import Markdown files as drafts."""

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from ..domain import exports, imports
from ..domain.tokens import TokenError
from ..web.security import takes_files
from ..web.write_limits import limit_writes, redirected
from .forms import ImportForm
from .views import render_settings

bp = Blueprint("your_data", __name__, url_prefix="/settings/data")
SECTION = "#data-heading"


def back_to_settings():
    return redirect(url_for("settings.index") + SECTION)


@bp.route("/export", methods=["POST"])
@login_required
@limit_writes("export", counted=redirected)
def export():
    if exports.request_export(current_user):
        flash(
            "We are putting your data together. A link to download it will arrive at "
            f"{current_user.email} in a few minutes.", "success",
        )
    else:
        flash("Your export is being prepared already: its link will arrive by email.", "info")
    return back_to_settings()


@bp.route("/export/<token>")
@login_required
def download_export(token):
    """The emailed link: the zip, for the member who asked, logged in (never cached)."""
    try:
        path = exports.export_file(current_user, token)
    except TokenError as error:
        return render_template("settings/bad_export_link.html", message=str(error)), 400
    response = send_file(
        path, mimetype="application/zip", as_attachment=True,
        download_name=exports.download_name(current_user), max_age=0, conditional=False,
        etag=False,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/import", methods=["POST"])
@takes_files
@login_required
@limit_writes("import", counted=redirected)
def import_files():
    form = ImportForm(prefix="import")
    if form.validate_on_submit():
        uploads = [imports.Upload(upload.filename or "", upload.read())
                   for upload in form.files.data or [] if upload and upload.filename]
        try:
            drafts = imports.import_markdown(current_user, uploads)
        except imports.ImportRefused as error:
            form.files.errors = [*form.files.errors, error.message]
        else:
            titles = ", ".join(f"“{draft.title}”" for draft in drafts[:5])
            more = f" and {len(drafts) - 5} more" if len(drafts) > 5 else ""
            flash(f"Imported {len(drafts)} draft{'s' if len(drafts) != 1 else ''}: "
                  f"{titles}{more}. They are listed under Your drafts.", "success")
            return back_to_settings()
    return render_settings(422, import_form=form)
