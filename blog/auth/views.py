"""Sign up, verify, log in and out, reset a forgotten password."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, logout_user

from ..domain import accounts, login_links, password_changes, recovery, signups
from ..domain.accounts import AccountError
from ..domain.invites import InviteError
from ..domain.signups import SignupClosed
from ..domain.tokens import TokenError
from ..events import security_event
from ..extensions import limiter
from ..web.limits import limit
from ..web.login import log_in, log_out
from ..web.urls import redirect_back, redirect_next
from . import throttle
from .forms import (
    LoginForm,
    LoginLinkForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/register", methods=["GET", "POST"])
@throttle.limit_forms_that_email("RATELIMIT_SIGNUP_PER_IP", throttle.SIGNUP_SCOPE)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("feed.index"))
    form = RegisterForm(invite=request.args.get("invite", ""))
    try:
        signups.admit(form.invite.data)  # closed, or invite-only without a usable link
        if form.validate_on_submit():
            accounts.register(form.email.data, form.username.data, form.password.data,
                              invite=form.invite.data)
            session["check_email"] = form.email.data
            return redirect(url_for("auth.check_email"))
    except AccountError as error:
        form[error.field].errors.append(error.message)
    except (SignupClosed, InviteError) as error:
        return render_template("auth/register.html", form=form,
                               refused=error.code), 403
    return render_template("auth/register.html", form=form)


@bp.route("/check-email")
def check_email():
    return render_template("auth/check_email.html", email=session.get("check_email"))


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify(token):
    """The emailed link opens a page; its button confirms (a scanner's GET changes nothing).

    Confirming never switches who is logged in: only a visitor who is logged
    out is logged in, as the member whose address this is.
    """
    try:
        user = accounts.check_verify_token(token)
    except TokenError as error:
        return render_template("auth/bad_link.html", message=str(error)), 400
    if request.method != "POST":  # CSRFProtect has refused any POST without its token
        return render_template("auth/verify.html", member=user)
    user, verified_now = accounts.verify_email(token)
    if not verified_now:
        flash("Your email address was already confirmed.", "info")
    elif user.awaiting_approval:
        flash("Thanks: your email is confirmed. Your account is awaiting approval by the "
              "admins; we will email you once they have approved it.", "info")
    elif not current_user.is_authenticated:
        log_in(user)
        flash(f"Thanks, {user.username}: your email is confirmed and you are logged in.",
              "success")
        return redirect(url_for("feed.welcome"))
    elif current_user.id == user.id:
        flash(f"Thanks, {user.username}: your email is confirmed.", "success")
        return redirect(url_for("feed.welcome"))
    else:
        flash(f"The address {user.email} of @{user.username} is confirmed. "
              f"You are still logged in as @{current_user.username}.", "info")
    return redirect(url_for("feed.index" if current_user.is_authenticated else "auth.login"))


@bp.route("/not-me/<token>", methods=["GET", "POST"])
def not_me(token):
    """"This wasn't me" from a change notice: a page, whose button secures the account."""
    try:
        user, address, _ = recovery.check_not_me_token(token)
    except TokenError as error:
        return render_template("auth/bad_link.html", message=str(error)), 400
    if request.method != "POST":  # CSRFProtect has refused any POST without its token
        return render_template("auth/not_me.html", member=user, address=address)
    try:
        secured = recovery.secure_account(token)
    except TokenError as error:
        return render_template("auth/bad_link.html", message=str(error)), 400
    if current_user.is_authenticated and current_user.id == secured.user.id:
        logout_user()  # its session row is gone already; drop the cookies too
    return render_template("auth/secured.html", secured=secured)


@bp.route("/verify/resend", methods=["POST"])
@login_required
@limiter.limit(limit("RATELIMIT_EMAIL_PER_IP"))
@limiter.limit(limit("RATELIMIT_EMAIL_PER_ACCOUNT"), key_func=throttle.current_account_key)
def resend_verification():
    if current_user.is_verified:
        flash("Your email address is already confirmed.", "info")
    else:
        accounts.resend_verification(current_user)
        flash(f"We sent a new confirmation link to {current_user.email}.", "success")
    return redirect_back()


@bp.route("/login", methods=["GET", "POST"])
@limiter.shared_limit(
    limit("RATELIMIT_LOGIN_PER_IP"),
    scope=throttle.LOGIN_IP_SCOPE,
    methods=["POST"],
    on_breach=throttle.ip_limit_hit,
)
def login():
    if current_user.is_authenticated:
        return redirect_next()
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = throttle.check_login(form.login.data, form.password.data, device_exempts=True)
        except throttle.AccountLocked as locked:
            link_form = LoginLinkForm(formdata=None, login=form.login.data)
            html = render_template("auth/login.html", form=form, link_form=link_form)
            return html, 429, {"Retry-After": str(locked.retry_after)}
        if user is not None:
            log_in(user, remember=form.remember.data)
            flash(f"Welcome back, {user.name}.", "success")
            return throttle.remember_device(redirect_next(), user)
        form.password.errors.append("Incorrect email, username or password.")
    return render_template("auth/login.html", form=form)


@bp.route("/login-link", methods=["GET", "POST"])
@limiter.limit(limit("RATELIMIT_LOGIN_LINKS_PER_IP"), methods=["POST"])
@limiter.limit(
    limit("RATELIMIT_LOGIN_LINKS_PER_ACCOUNT"),
    key_func=throttle.login_link_account_key,
    methods=["POST"],
)
def login_link_request():
    form = LoginLinkForm()
    if form.validate_on_submit():
        login_links.request_login_link(form.login.data)
        minutes = current_app.config["LOGIN_LINK_MAX_AGE"] // 60
        flash(
            f"If an account matches {form.login.data}, we emailed it a one-time login link. "
            f"It works once, for {minutes} minutes.",
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/login_link_request.html", form=form)


@bp.route("/login-link/<token>", methods=["GET", "POST"])
def login_link(token):
    """The emailed link opens a page; only its button (a POST) logs in, so scanners cannot."""
    try:
        user = login_links.check_login_link(token)
    except TokenError as error:
        return render_template("auth/bad_link.html", message=str(error)), 400
    if current_user.is_authenticated:
        if current_user.id == user.id:
            return redirect(url_for("feed.index"))
        return _refuse_to_switch_member()
    if request.method == "POST":  # CSRFProtect has refused any POST without its token
        try:
            user = login_links.use_login_link(token)
        except TokenError as error:
            return render_template("auth/bad_link.html", message=str(error)), 400
        log_in(user)
        flash(f"Welcome back, {user.name}. If the failed logins were not yours, "
              "choose a new password in Settings.", "success")
        return throttle.remember_device(redirect(url_for("feed.index")), user)
    return render_template("auth/login_link.html", user=user)


def _refuse_to_switch_member():
    """Never switch a logged-in member to the account of a link (login CSRF)."""
    message = (f"You are logged in as {current_user.username}. "
               "Log out first to use this link.")
    return render_template("auth/bad_link.html", message=message), 400


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        security_event("logout", user=current_user)
        log_out(current_user)
        flash("You are logged out.", "info")
    return redirect(url_for("feed.index"))


@bp.route("/reset", methods=["GET", "POST"])
@throttle.limit_forms_that_email("RATELIMIT_EMAIL_PER_IP", "reset")
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        password_changes.request_password_reset(form.email.data)
        flash(
            f"If an account uses {form.email.data}, we sent it a link to choose a new password. "
            "It works for one hour.",
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        user = password_changes.check_reset_token(token)
    except TokenError as error:
        return render_template("auth/bad_link.html", message=str(error)), 400
    if current_user.is_authenticated and current_user.id != user.id:
        return _refuse_to_switch_member()
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = password_changes.reset_password(token, form.password.data)
        except AccountError as error:
            form.password.errors.append(error.message)
        except TokenError as error:
            return render_template("auth/bad_link.html", message=str(error)), 400
        else:
            if current_user.is_authenticated:
                log_out(current_user)
            log_in(user)
            flash("Your password is changed and you are logged in. Other sessions were ended.",
                  "success")
            return redirect(url_for("feed.index"))
    return render_template("auth/reset_password.html", form=form)
