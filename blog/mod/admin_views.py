"""Admin-only moderation pages: the moderation log, the members list and their roles."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import members, moderation, moderation_log, permissions
from ..domain.moderation import ModerationError
from ..models import utcnow
from ..web.pagination import requested_page
from .forms import ActionForm, MemberSearchForm, RoleForm
from .views import bp, target_or_404

MEMBERS_PAGE = 50


def me():
    return current_user._get_current_object()


@bp.route("/mod/log")
@login_required
def log():
    before = request.args.get("before", type=int)
    entries, names = moderation_log.log_page(me(), before_id=before if before and before > 0
                                         else None)
    return render_template("mod/log.html", entries=entries, names=names, form=ActionForm())


@bp.route("/mod/members")
@login_required
def member_list():
    form = MemberSearchForm(request.args)
    form.validate()
    page = max(1, min(requested_page() or 1, 10_000))
    found, more = members.search(me(), form.q.data or "", form.status.data or "",
                                 limit=MEMBERS_PAGE, offset=(page - 1) * MEMBERS_PAGE)
    return render_template("mod/members.html", form=form, found=found, page=page, more=more,
                           role_form=RoleForm(), now=utcnow())


@bp.route("/mod/members/<int:member_id>/role", methods=["POST"])
@login_required
def set_role(member_id):
    permissions.require(permissions.user_is_admin(me()), "member")
    member = target_or_404("member", member_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            moderation.set_role(me(), member, form.role.data)
        except ModerationError as error:
            flash(error.message, "error")
        else:
            flash(f"@{member.username} is now {member.role}.", "success")
    else:
        flash("Choose member, moderator or admin.", "error")
    return redirect(request.referrer or url_for("mod.member_list"))
