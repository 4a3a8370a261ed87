"""The member's own settings: profile, password, email, sessions, deletion."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth import reauth, throttle
from ..domain import (
    account_changes,
    accounts,
    articles,
    exports,
    mutes,
    password_changes,
    profiles,
    sessions,
    tags,
)
from ..domain.accounts import AccountError
from ..domain.errors import FieldError
from ..domain.tokens import TokenError
from ..extensions import limiter
from ..web.limits import limit
from ..web.login import log_out
from ..web.security import takes_pictures
from ..web.write_limits import limit_writes, no_picture_sent, redirected
from .forms import DeleteAccountForm, EmailChangeForm, PasswordForm, ProfileForm, settings_forms

bp = Blueprint("settings", __name__, url_prefix="/settings")


def render_settings(status=200, **bound_forms):
    """The settings page; forms in bound_forms show what was submitted and its errors."""
    return render_template(
        "settings/index.html",
        sessions=sessions.active_sessions(current_user),
        is_current=lambda s: sessions.is_current(current_user, s),
        export=exports.export_status(current_user),
        drafts=articles.drafts_of(current_user),
        muted_members=mutes.muted_members(current_user),
        muted_tags=mutes.muted_tags(current_user),
        followed_tags=tags.followed_by(current_user),
        **settings_forms(current_user, **bound_forms),
    ), status


def _locked(locked, field, **bound_forms):
    """Too many wrong current passwords: say so beside the field, 429 with Retry-After."""
    field.errors.append(reauth.locked_message(locked))
    html, status = render_settings(429, **bound_forms)
    return html, status, {"Retry-After": str(locked.retry_after)}


def picture_sent(form_field="profile-picture"):
    """The bytes of the picture the form carries, or None when it carries none."""
    sent = request.files.get(form_field)
    return sent.read() if sent and sent.filename else None


@bp.route("", methods=["GET", "POST"])
@takes_pictures("profile-picture")
@login_required
@limit_writes("edit", counted=redirected)
@limit_writes("upload", counted=redirected, exempt=no_picture_sent)
def index():
    form = ProfileForm(prefix="profile")
    if form.validate_on_submit():
        try:
            profiles.update_profile(current_user, form.display_name.data, form.bio.data,
                                    form.image_url.data, picture=picture_sent())
        except FieldError as error:
            form["picture" if error.field == "image" else error.field].errors.append(
                error.message)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("settings.index"))
    if form.is_submitted():
        return render_settings(422, profile_form=form)
    return render_settings()


@bp.route("/password", methods=["POST"])
@login_required
# Each new password mails a notice; the API's PUT /user shares this budget.
@throttle.limit_password_changes(throttle.current_account_key, throttle.email_was_sent)
def change_password():
    form = PasswordForm(prefix="password")
    if form.validate_on_submit():
        try:
            with reauth.current_password_checked(current_user, "current_password"):
                password_changes.change_password(
                    current_user, form.current_password.data, form.new_password.data
                )
        except reauth.AccountLocked as locked:
            return _locked(locked, form.current_password, password_form=form)
        except AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash("Your password is changed. Your other sessions were logged out.", "success")
            return redirect(url_for("settings.index"))
    return render_settings(422, password_form=form)


@bp.route("/email", methods=["POST"])
@login_required
# Each accepted form mails a link to an address the member types: limit it like the API's
# PUT /user (a taken address counts too, so the limit tells nothing about it).
@limiter.limit(limit("RATELIMIT_EMAIL_PER_IP"))
@throttle.limit_email_changes(
    throttle.current_account_key,
    lambda: "email:" + throttle.submitted("email-email"),
    deduct_when=throttle.email_was_sent,
)
def change_email():
    form = EmailChangeForm(prefix="email")
    if form.validate_on_submit():
        try:
            with reauth.current_password_checked(current_user, "password"):
                account_changes.request_email_change(
                    current_user, form.email.data, form.password.data
                )
        except reauth.AccountLocked as locked:
            return _locked(locked, form.password, email_form=form)
        except AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(
                f"We sent a link to {form.email.data}. Your address changes when you open it "
                f"and confirm; until then you keep using {current_user.email}.",
                "info",
            )
            return redirect(url_for("settings.index"))
    return render_settings(422, email_form=form)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token):
    """The emailed link opens a page; its button makes the change (a scanner's GET does not)."""
    try:
        user, new_email = account_changes.check_email_change_token(token)
    except TokenError as error:
        return render_template("auth/bad_link.html", message=str(error)), 400
    if request.method != "POST":  # CSRFProtect has refused any POST without its token
        return render_template("settings/confirm_email.html", member=user, new_email=new_email)
    try:
        user = account_changes.confirm_email_change(token)
    except TokenError as error:
        return render_template("auth/bad_link.html", message=str(error)), 400
    flash(f"Your email address is now {user.email}.", "success")
    return redirect(url_for("settings.index" if current_user.is_authenticated else "auth.login"))


@bp.route("/sessions/<id:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id):
    if not sessions.end_session_by_id(current_user, session_id):
        abort(404)
    flash("That session is logged out.", "success")
    return redirect(url_for("settings.index"))


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    sessions.end_other_sessions(current_user)
    flash("All your other sessions are logged out.", "success")
    return redirect(url_for("settings.index"))


@bp.route("/delete", methods=["POST"])
@login_required
def delete_account():
    form = DeleteAccountForm(prefix="delete")
    if form.validate_on_submit():
        try:
            with reauth.current_password_checked(current_user, "password"):
                accounts.delete_account(current_user, form.password.data)
        except reauth.AccountLocked as locked:
            return _locked(locked, form.password, delete_form=form)
        except AccountError as error:
            form.password.errors.append(error.message)
        else:
            log_out(current_user)
            flash("Your account and everything in it are deleted. Goodbye.", "info")
            return redirect(url_for("feed.index"))
    return render_settings(422, delete_form=form)
