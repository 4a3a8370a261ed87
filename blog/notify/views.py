"""/notifications: the list behind the bell, "Mark all read", the choices, and unsubscribing."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import notification_choices, notification_emails, notification_pages
from ..domain.tokens import TokenError
from ..extensions import csrf, limiter
from ..web.limits import limit
from ..web.pagination import requested_page
from ..web.write_limits import limit_writes, redirected
from .forms import choices_form, chosen

bp = Blueprint("notify", __name__, url_prefix="/notifications")


def personal(body, status=200):
    """A page for one member: no cache keeps it (blog.web.security makes it no-store too)."""
    return body, status, {"Cache-Control": "private, no-store"}


@bp.route("")
@login_required
def index():
    page = notification_pages.page_of(current_user, requested_page())
    return personal(render_template("notify/index.html", page=page))


@bp.route("/read", methods=["POST"])
@login_required
def mark_all_read():
    notification_pages.mark_all_read(current_user)
    flash("All your notifications are marked read.", "success")
    return redirect(url_for("notify.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
@limit_writes("edit", counted=redirected)
def settings():
    form = choices_form(notification_choices.preferences(current_user))
    if form.validate_on_submit():
        notification_choices.save_preferences(current_user, chosen(form))
        flash("Your notification choices are saved.", "success")
        return redirect(url_for("notify.settings"))
    status = 422 if form.is_submitted() else 200
    return personal(render_template("notify/settings.html", form=form,
                                    kinds=notification_choices.DEFAULTS), status)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client POSTs the link alone; the signed token is the proof
@limiter.limit(limit("RATELIMIT_EDITS_PER_IP"), methods=["POST"])
def unsubscribe(token):
    """The link of every notification email: GET asks (a scanner's GET changes nothing),
    POST stops that kind of email for the member the token names, logged in or not."""
    try:
        member, kind = notification_emails.read_unsubscribe(token)
    except TokenError as error:
        return personal(render_template("auth/bad_link.html", message=str(error),
                                        link_for="unsubscribe"), 400)
    label = notification_choices.LABELS[kind]
    if request.method != "POST":
        return personal(render_template("notify/unsubscribe.html", member=member, label=label,
                                        done=False))
    notification_emails.unsubscribe(token)
    return personal(render_template("notify/unsubscribe.html", member=member, label=label,
                                    done=True))
