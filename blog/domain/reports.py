"""Reports: a member tells the moderators about an article, a comment or a member.

One member reports one thing once. Open reports make the moderation queue,
grouped by what they report, oldest first; a moderator's action on a target
(or a dismissal) resolves every open report of it (blog.domain.moderation).
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ..events import security_event
from ..extensions import db
from ..models import REPORT_REASONS, Article, Comment, Report, User, utcnow
from . import permissions
from .comments import article_of
from .errors import Conflict, FieldError
from .rows import insert_ignoring_duplicates

NOTE_LIMIT = 1000
REASON_LABELS = {"spam": "Spam", "harassment": "Harassment or abuse",
                 "off-topic": "Off-topic", "other": "Something else"}


class ReportError(FieldError):
    """A report that cannot be filed as given."""


def target_column(kind):
    """The reports column that names a target of `kind` (article, comment, member)."""
    return {"article": Report.article_id, "comment": Report.comment_id,
            "member": Report.member_id}[kind]


def find_target(kind, target_id, viewer=None):
    """The article, comment or member a report or an action names, or None.

    With `viewer`: only what that member may see (a reporter reports what they read).
    """
    model = {"article": Article, "comment": Comment, "member": User}.get(kind)
    target = db.session.get(model, target_id) if model else None
    if target is None or viewer is None:
        return target
    if kind == "article":
        visible = permissions.can_view(viewer, target)
    elif kind == "comment":
        visible = not target.is_deleted and permissions.can_view(viewer, article_of(target))
        visible = visible and (not target.is_hidden
                               or permissions.sees_hidden(viewer, target.author_id))
    else:
        visible = not target.is_banned
    return target if visible else None


def open_reports_of(kind, target_id, limit=50):
    """The open reports of one target, oldest first, with their reporters' names."""
    return db.session.execute(
        select(Report, User.username).join(User, User.id == Report.reporter_id)
        .where(target_column(kind) == target_id, Report.resolved_at.is_(None))
        .order_by(Report.created_at).limit(limit)
    ).all()


def author_of(kind, target):
    """The member a report (or an action) on `target` is about."""
    return target if kind == "member" else target.author


def file_report(reporter, kind, target, reason, note=""):
    """`reporter` reports `target` (commits); raises Conflict when they already did."""
    permissions.require_may_write(reporter)
    if reason not in REPORT_REASONS:
        raise ReportError("reason", "Choose why you report this.")
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise ReportError("note", f"Keep the note under {NOTE_LIMIT} characters.")
    about = author_of(kind, target)
    if about is not None and about.id == reporter.id:
        raise ReportError("reason", "You cannot report yourself or what you wrote.")
    # Race-free: a double click inserts one row and finds the other already there.
    filed = insert_ignoring_duplicates(
        Report, reporter_id=reporter.id, reason=reason, note=note, created_at=utcnow(),
        **{f"{kind}_id": target.id})
    if not filed:
        db.session.rollback()
        raise Conflict("report", "You have already reported this. Moderators will look at it.")
    db.session.commit()
    security_event("report.filed", user=reporter, target=kind, target_id=target.id,
                   reason=reason)
    return True


def has_reported(reporter, kind, target):
    """True when `reporter` has reported `target` (one indexed query)."""
    if not reporter.is_authenticated:
        return False
    column = target_column(kind)
    return db.session.scalar(
        select(func.count()).select_from(Report)
        .where(Report.reporter_id == reporter.id, column == target.id)
    ) > 0


def resolve_reports(kind, target_id, resolution):
    """Close every open report of one target (no commit); how many were open."""
    return db.session.execute(
        update(Report)
        .where(target_column(kind) == target_id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolution=resolution)
        .execution_options(synchronize_session=False)
    ).rowcount


@dataclass
class QueueEntry:
    """One reported thing in the queue: what it is, how many reports, since when, and why."""

    kind: str
    target: object
    count: int
    since: datetime
    reasons: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    @property
    def member(self):
        return author_of(self.kind, self.target)


def open_queue(moderator, limit=20, offset=0):
    """The moderation queue: reported things, oldest report first. A fixed number of queries.

    Returns (entries, total things waiting).
    """
    permissions.require(permissions.may_moderate(moderator), "moderation")
    open_ = Report.resolved_at.is_(None)
    targets = (Report.article_id, Report.comment_id, Report.member_id)
    groups = db.session.execute(
        select(*targets, func.count(), func.min(Report.created_at).label("since"))
        .where(open_).group_by(*targets)
        .order_by(func.min(Report.created_at), *targets).limit(limit).offset(offset)
    ).all()
    total = db.session.scalar(
        select(func.count()).select_from(select(*targets).where(open_).group_by(*targets)
                                         .subquery()))
    wanted = {"article": set(), "comment": set(), "member": set()}
    for article_id, comment_id, member_id, *_ in groups:
        for kind, value in zip(wanted, (article_id, comment_id, member_id), strict=True):
            if value is not None:
                wanted[kind].add(value)
    loaded = _load_targets(wanted)
    entries, index = [], {}
    for article_id, comment_id, member_id, count, since in groups:
        kind, target_id = next(
            (k, v) for k, v in zip(wanted, (article_id, comment_id, member_id), strict=True)
            if v is not None)
        target = loaded[kind].get(target_id)
        if target is None:
            continue
        entry = QueueEntry(kind, target, count, since)
        index[(kind, target_id)] = entry
        entries.append(entry)
    _add_reasons(index)
    return entries, total


def _load_targets(wanted):
    articles = db.session.scalars(select(Article).where(Article.id.in_(wanted["article"]))
                                  .options(joinedload(Article.author))).all()
    comments = db.session.scalars(select(Comment).where(Comment.id.in_(wanted["comment"]))
                                  .options(joinedload(Comment.author))).all()
    members = db.session.scalars(select(User).where(User.id.in_(wanted["member"]))).all()
    return {"article": {a.id: a for a in articles}, "comment": {c.id: c for c in comments},
            "member": {m.id: m for m in members}}


def _add_reasons(index):
    """Each entry's reasons counted, and its latest notes with who wrote them (one query)."""
    if not index:
        return
    by_kind = {"article": [], "comment": [], "member": []}
    for kind, target_id in index:
        by_kind[kind].append(target_id)
    rows = db.session.execute(
        select(Report.article_id, Report.comment_id, Report.member_id, Report.reason,
               Report.note, User.username)
        .join(User, User.id == Report.reporter_id)
        .where(Report.resolved_at.is_(None))
        .where(Report.article_id.in_(by_kind["article"])
               | Report.comment_id.in_(by_kind["comment"])
               | Report.member_id.in_(by_kind["member"]))
        .order_by(Report.created_at)
    ).all()
    for article_id, comment_id, member_id, reason, note, reporter in rows:
        key = next((k, v) for k, v in zip(by_kind, (article_id, comment_id, member_id),
                                          strict=True) if v is not None)
        entry = index.get(key)
        if entry is None:
            continue
        entry.reasons[reason] = entry.reasons.get(reason, 0) + 1
        if note:
            entry.notes.append((reporter, note))
