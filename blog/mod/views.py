"""Report pages for members; the queue, a target's page and its actions for moderators."""

from datetime import datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import comments, moderation, moderation_log, permissions, reports
from ..domain.errors import Conflict
from ..domain.moderation import ModerationError
from ..domain.reports import REASON_LABELS, ReportError
from ..models import utcnow
from ..web.pagination import requested_page
from ..web.write_limits import limit_writes, redirected
from .forms import ActionForm, ReportForm

bp = Blueprint("mod", __name__)

KINDS = ("article", "comment", "member")
QUEUE_PAGE = 20
# What each kind of target may have done to it, in the order the page offers it.
ACTIONS = {
    "article": ("dismiss", "hide", "restore", "delete"),
    "comment": ("dismiss", "hide", "restore", "delete"),
    "member": ("dismiss", "suspend", "unsuspend", "ban", "unban", "remove_spam"),
}
DONE = {"dismiss": "Reports dismissed.", "hide": "Hidden.", "restore": "Restored.",
        "delete": "Deleted.", "suspend": "Suspended.", "unsuspend": "Suspension lifted.",
        "ban": "Banned: their sessions and API tokens have ended.", "unban": "Ban lifted.",
        "remove_spam": "Removed as spam: banned, and everything they wrote is hidden."}


def me():
    return current_user._get_current_object()


def target_or_404(kind, target_id, viewer=None):
    """The target a URL names; with `viewer`, only one that viewer may see."""
    if kind not in KINDS:
        abort(404)
    target = reports.find_target(kind, target_id, viewer)
    if target is None:
        abort(404)
    return target


def target_url(kind, target):
    """Where the target itself is shown."""
    if kind == "article":
        return url_for("article.show", slug=target.slug)
    if kind == "comment":
        return url_for("article.show", slug=comments.article_of(target).slug,
                       thread=target.parent_id or target.id, _anchor=f"comment-{target.id}")
    return url_for("profile.show", username=target.username)


def report_prefix(kind):
    """The report address of a `kind` up to its id ("/report/comment/"): a page of
    comments adds each id to it instead of building every address."""
    address = url_for("mod.report", kind=kind, target_id=0)
    if not address.endswith("/0"):
        raise ValueError(f"the report address of a {kind} does not end with its id")
    return address[:-1]


@bp.app_context_processor
def moderation_links():
    return {"report_url": lambda kind, target: url_for("mod.report", kind=kind,
                                                        target_id=target.id),
            "report_prefix": report_prefix,
            "moderate_url": lambda kind, target: url_for("mod.target", kind=kind,
                                                          target_id=target.id),
            "may_moderate": permissions.may_moderate,
            "sees_hidden": permissions.sees_hidden,
            "is_suspended": lambda user: user.is_authenticated and permissions.is_suspended(user)}


# --- reports --------------------------------------------------------------------------


@bp.route("/report/<any(article, comment, member):kind>/<int:target_id>",
          methods=["GET", "POST"])
@login_required
@limit_writes("report", counted=redirected)
def report(kind, target_id):
    target = target_or_404(kind, target_id, viewer=me())
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reports.file_report(me(), kind, target, form.reason.data, form.note.data)
        except Conflict as error:
            flash(error.message, "info")
            return redirect(target_url(kind, target))
        except ReportError as error:
            form[error.field].errors.append(error.message)
        else:
            flash("Thank you. The moderators will look at your report.", "success")
            return redirect(target_url(kind, target))
    status = 422 if form.errors else 200
    return render_template("mod/report.html", form=form, kind=kind, target=target,
                           back=target_url(kind, target)), status


# --- moderators -----------------------------------------------------------------------


@bp.route("/mod")
@login_required
def queue():
    page = max(1, min(requested_page() or 1, 10_000))
    entries, total = reports.open_queue(me(), limit=QUEUE_PAGE,
                                        offset=(page - 1) * QUEUE_PAGE)
    return render_template("mod/queue.html", entries=entries, total=total, page=page,
                           pages=max(1, -(-total // QUEUE_PAGE)), labels=REASON_LABELS,
                           target_url=target_url)


def render_target(kind, target, form=None, status=200):
    return render_template(
        "mod/target.html", kind=kind, target=target, form=form or ActionForm(),
        actions=ACTIONS[kind],
        may_act=permissions.may_act_on(me(), reports.author_of(kind, target)),
        open_reports=reports.open_reports_of(kind, target.id),
        history=moderation_log.history_of(kind, target.id), labels=REASON_LABELS,
        shown_at=target_url(kind, target),
        now=utcnow(),
    ), status


@bp.route("/mod/<any(article, comment, member):kind>/<int:target_id>")
@login_required
def target(kind, target_id):
    permissions.require(permissions.may_moderate(me()), "moderation")
    return render_target(kind, target_or_404(kind, target_id))


@bp.route("/mod/<any(article, comment, member):kind>/<int:target_id>/<action>",
          methods=["POST"])
@login_required
def act(kind, target_id, action):
    permissions.require(permissions.may_moderate(me()), "moderation")
    target = target_or_404(kind, target_id)
    if action not in ACTIONS[kind]:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_target(kind, target, form, status=422)
    try:
        _take(action, kind, target, form)
    except ModerationError as error:
        form[error.field].errors.append(error.message)
        return render_target(kind, target, form, status=422)
    flash(DONE[action], "success")
    if action == "delete":
        return redirect(url_for("mod.queue"))
    return redirect(url_for("mod.target", kind=kind, target_id=target_id))


def _take(action, kind, target, form):
    reason = form.reason.data
    if action == "suspend":
        until = form.until.data
        if until is None:
            raise ModerationError("until", "Choose until when.")
        moderation.suspend(me(), target, datetime.combine(until, time()), reason)
    elif action in ("unsuspend", "ban", "unban", "remove_spam"):
        getattr(moderation, action.replace("remove_spam", "remove_as_spam"))(me(), target, reason)
    else:
        getattr(moderation, action)(me(), kind, target, reason)


@bp.route("/mod/undo/<int:action_id>", methods=["POST"])
@login_required
def undo(action_id):
    entry = moderation_log.find_action(action_id)
    if entry is None:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        flash("Say why you undo it.", "error")
        return redirect(request.referrer or url_for("mod.log"))
    try:
        moderation.undo_remove_as_spam(me(), entry, form.reason.data)
    except ModerationError as error:
        flash(error.message, "error")
    else:
        flash("Undone: the ban is lifted and what it hid is back.", "success")
    return redirect(url_for("mod.target", kind="member", target_id=entry.subject_id))
