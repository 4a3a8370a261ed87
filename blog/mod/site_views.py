"""The admins' pages about the whole site: its settings, new members to approve, and
the invitation links (which members may make too, when the site allows it)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import approvals, invites, permissions, site
from ..domain.errors import Forbidden
from ..domain.site import SiteSettingsError
from ..extensions import db
from ..models import User
from ..web.write_limits import limit_writes
from .forms import SiteSettingsForm
from .views import bp

SITE_FIELDS = ("name", "description", "welcome", "about", "conduct", "contact_email",
               "logo_url", "signup_mode", "require_approval", "members_invite")


def me():
    return current_user._get_current_object()


@bp.route("/admin/site", methods=["GET", "POST"])
@login_required
def site_settings():
    permissions.require(permissions.may_administer(me()), "site")
    chosen = site.current()
    form = SiteSettingsForm(data={name: getattr(chosen, name) for name in SITE_FIELDS})
    if form.validate_on_submit():
        try:
            site.save(me(), {name: form[name].data for name in SITE_FIELDS})
        except SiteSettingsError as error:
            form[error.field].errors.append(error.message)
        else:
            flash("The site's settings are saved.", "success")
            return redirect(url_for("mod.site_settings"))
    status = 422 if form.errors else 200
    return render_template("mod/site.html", form=form), status


# --- new members the admins approve ----------------------------------------------------


def _waiting_member(member_id):
    member = db.session.get(User, member_id)
    if member is None:
        abort(404)
    return member


@bp.route("/mod/members/<int:member_id>/approve", methods=["POST"])
@login_required
def approve(member_id):
    member = _waiting_member(member_id)
    approvals.approve(me(), member)
    flash(f"@{member.username} is approved: we emailed them.", "success")
    return redirect(request.referrer or url_for("mod.member_list", status="awaiting"))


@bp.route("/mod/members/<int:member_id>/refuse", methods=["POST"])
@login_required
def refuse(member_id):
    member = _waiting_member(member_id)
    name = member.username
    approvals.refuse(me(), member)
    flash(f"@{name} is refused: the account is deleted.", "success")
    return redirect(url_for("mod.member_list", status="awaiting"))


# --- invitations ----------------------------------------------------------------------


def _require_inviting():
    if not permissions.may_invite(me(), site.current().members_invite):
        raise Forbidden("invite", "Only the admins invite people here.")


@bp.route("/settings/invites", methods=["GET", "POST"])
@login_required
@limit_writes("invite")
def invite_list():
    _require_inviting()
    new_link = None
    if request.method == "POST":  # CSRFProtect has refused any POST without its token
        _, token = invites.create_invite(me())
        new_link = invites.invite_link(token)
    return render_template("mod/invites.html", invites=invites.invites_of(me()),
                           new_link=new_link, invite_only=site.current().invite_only)


@bp.route("/settings/invites/<int:invite_id>/revoke", methods=["POST"])
@login_required
def revoke_invite(invite_id):
    invites.revoke(me(), invite_id)
    flash("The invitation is revoked: its link no longer works.", "success")
    return redirect(url_for("mod.invite_list"))
