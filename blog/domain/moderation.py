"""What moderators do: dismiss reports, hide and restore, delete, suspend, ban, remove spam.

Every action needs a reason, which the member it affects sees (on the hidden
article, beside the hidden comment, on every page while suspended, at the
login when banned), and goes into the moderation log in the same transaction.
Who may act on whom is blog.domain.permissions' (may_act_on). Each function
commits its own transaction.
"""

from datetime import datetime

from sqlalchemy import select, update

from ..events import security_event
from ..extensions import db
from ..models import Article, Comment, ModerationAction, User, utcnow
from . import articles, comments, permissions, published_counts, sessions
from . import site as site_settings
from .articles import keep_lists_in_step
from .errors import FieldError
from .outbox import queue_email
from .races import gone, lock_article_to_edit
from .reports import author_of, resolve_reports

REASON_LIMIT = 1000
NO_SYNC = {"synchronize_session": False}


class ModerationError(FieldError):
    """An action that cannot be taken as asked; `field` names the culprit."""


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError("reason", "Say why: the member will read it.")
    if len(reason) > REASON_LIMIT:
        raise ModerationError("reason", f"Keep the reason under {REASON_LIMIT} characters.")
    return reason


def label_of(kind, target):
    """How the log names a target, kept as it was when the action was taken."""
    if kind == "article":
        return target.title[:200]
    if kind == "comment":
        return (target.body or "[deleted]")[:80]
    return f"@{target.username}"


def _log(moderator, action, kind, target, reason, until=None):
    """Add one line to the moderation log (no commit); returns it."""
    member = author_of(kind, target)
    entry = ModerationAction(
        moderator_id=moderator.id, action=action, target_kind=kind, target_id=target.id,
        target_label=label_of(kind, target), subject_id=member.id if member else None,
        reason=reason, until=until, created_at=utcnow())
    db.session.add(entry)
    db.session.flush()
    security_event(f"moderation.{action}", user=moderator, target=kind, target_id=target.id,
                   subject_id=entry.subject_id)
    if member is not None and action in TOLD:
        _tell(member, action, kind, target, reason, until)
    return entry


# What the member reads about each action (by email, in the action's transaction).
TOLD = {
    "hide": "The moderators of {site} hid your {kind} “{label}”. Only you and they see it now.",
    "restore": "The moderators of {site} restored your {kind} “{label}”: everyone sees it again.",
    "delete": "The moderators of {site} deleted your {kind} “{label}”.",
    "suspend": "The moderators of {site} suspended your account.",
    "unsuspend": "The moderators of {site} lifted the suspension of your account.",
    "ban": "The moderators of {site} banned your account: you can no longer log in.",
    "remove_spam": "The moderators of {site} banned your account as a spammer and hid "
                   "everything you wrote.",
    "unban": "The moderators of {site} lifted the ban on your account: you can log in again.",
    "undo_spam": "The moderators of {site} lifted the ban on your account and restored "
                 "what you wrote.",
}


def _tell(member, action, kind, target, reason, until):
    site = site_settings.current().name
    what = TOLD[action].format(site=site, kind=kind, label=label_of(kind, target)[:80])
    queue_email(member.email, f"A message from the moderators of {site}", "moderation_notice",
                member=member, what=what, reason=reason, until=until)


def _require_acting_on(moderator, kind, target):
    permissions.require(permissions.may_act_on(moderator, author_of(kind, target)), kind)


def dismiss(moderator, kind, target, reason="Not against the rules."):
    """Close the open reports of `target` without acting on it (commits)."""
    permissions.require(permissions.may_moderate(moderator), "moderation")
    reason = _reason(reason)
    _log(moderator, "dismiss", kind, target, reason)
    resolve_reports(kind, target.id, "dismissed")
    db.session.commit()


# --- content --------------------------------------------------------------------------


def _hide_article(article, reason, action):
    """Take a published article out of every list: back to draft, marked hidden (no commit).
    False when it was deleted meanwhile."""
    if not lock_article_to_edit(article.id):
        return False
    before = published_counts.stored(article.id)  # as it is under the lock
    article.status = "draft"
    article.hidden_at = utcnow()
    article.hidden_reason = reason
    article.hidden_by_action_id = action.id
    keep_lists_in_step(article, before)
    return True


def _restore_article(article):
    """Show a hidden article again (no commit). False when it was deleted meanwhile."""
    if not lock_article_to_edit(article.id):  # two moderators at once: the second waits
        return False
    before = published_counts.stored(article.id)  # and finds it published already
    db.session.expire(article, ["tags"])  # as its author may have saved them meanwhile
    article.status = "published"
    article.hidden_at, article.hidden_reason, article.hidden_by_action_id = None, "", None
    keep_lists_in_step(article, before)
    return True


def hide(moderator, kind, target, reason):
    """Hide an article or a comment from everyone but its author and moderators (commits)."""
    _require_acting_on(moderator, kind, target)
    reason = _reason(reason)
    if target.is_hidden:
        raise ModerationError("reason", "This is hidden already.")
    if kind == "article" and not target.is_published:
        raise ModerationError("reason", "Only published articles can be hidden: "
                                        "nobody else sees a draft.")
    entry = _log(moderator, "hide", kind, target, reason)
    if kind == "article":
        if not _hide_article(target, reason, entry):
            gone()
    else:
        target.hidden_at, target.hidden_reason = utcnow(), reason
        target.hidden_by_action_id = entry.id
    resolve_reports(kind, target.id, "hidden")
    db.session.commit()


def restore(moderator, kind, target, reason="Restored after a second look."):
    """Show a hidden article or comment again (commits)."""
    _require_acting_on(moderator, kind, target)
    if not target.is_hidden:
        raise ModerationError("reason", "This is not hidden.")
    _log(moderator, "restore", kind, target, _reason(reason))
    if kind == "article":
        if not _restore_article(target):
            gone()
    else:
        target.hidden_at, target.hidden_reason, target.hidden_by_action_id = None, "", None
    db.session.commit()


def delete(moderator, kind, target, reason):
    """Delete an article or a comment for good; the log keeps its title (commits)."""
    _require_acting_on(moderator, kind, target)
    _log(moderator, "delete", kind, target, _reason(reason))
    # The deletion commits, the log line with it; the reports go by ON DELETE CASCADE.
    if kind == "article":
        articles.delete_article(target, moderator)
    else:
        comments.delete_comment(target, moderator)


# --- members --------------------------------------------------------------------------


def suspend(moderator, member, until, reason):
    """The member reads but does not write, react or follow until `until` (commits)."""
    _require_acting_on(moderator, "member", member)
    reason = _reason(reason)
    if not isinstance(until, datetime) or until <= utcnow():
        raise ModerationError("until", "Choose a date in the future.")
    _log(moderator, "suspend", "member", member, reason, until=until)
    member.suspended_until, member.suspension_reason = until, reason
    resolve_reports("member", member.id, "suspended")
    db.session.commit()


def unsuspend(moderator, member, reason="Suspension lifted."):
    _require_acting_on(moderator, "member", member)
    _log(moderator, "unsuspend", "member", member, _reason(reason))
    member.suspended_until, member.suspension_reason = None, ""
    db.session.commit()


def _ban(moderator, member, reason, action="ban"):
    entry = _log(moderator, action, "member", member, reason)
    member.banned_at, member.ban_reason = utcnow(), reason
    # Every browser session and API token is a row: deleting them ends them at once.
    sessions.forget_all_sessions(member)
    resolve_reports("member", member.id, "banned")
    return entry


def ban(moderator, member, reason):
    """The member cannot log in; every session and API token ends now (commits)."""
    _require_acting_on(moderator, "member", member)
    _ban(moderator, member, _reason(reason))
    db.session.commit()


def unban(moderator, member, reason="Ban lifted."):
    _require_acting_on(moderator, "member", member)
    _log(moderator, "unban", "member", member, _reason(reason))
    member.banned_at, member.ban_reason = None, ""
    db.session.commit()


def remove_as_spam(moderator, member, reason="Spam."):
    """Ban the member and hide everything they wrote, in one action that can be undone."""
    _require_acting_on(moderator, "member", member)
    reason = _reason(reason)
    entry = _ban(moderator, member, reason, action="remove_spam")
    for article in db.session.scalars(
        select(Article).where(Article.author_id == member.id, Article.status == "published")
        .order_by(Article.id)
    ):
        # One the spammer deleted meanwhile is gone anyway: the others are hidden all the same.
        if _hide_article(article, reason, entry):
            resolve_reports("article", article.id, "spam")
    hidden = db.session.execute(
        update(Comment)
        .where(Comment.author_id == member.id, Comment.hidden_at.is_(None),
               Comment.deleted_at.is_(None))
        .values(hidden_at=utcnow(), hidden_reason=reason, hidden_by_action_id=entry.id)
        .returning(Comment.id).execution_options(**NO_SYNC)
    ).scalars().all()
    for comment_id in hidden:
        resolve_reports("comment", comment_id, "spam")
    db.session.commit()
    return entry


def undo_remove_as_spam(moderator, entry, reason="Not spam after all."):
    """Lift the ban and show again what that one action hid (commits)."""
    member = db.session.get(User, entry.subject_id) if entry.subject_id else None
    if entry.action != "remove_spam" or member is None:
        raise ModerationError("reason", "Only a removal as spam can be undone here.")
    _require_acting_on(moderator, "member", member)
    if entry.undone_at is not None:
        raise ModerationError("reason", "This was undone already.")
    _log(moderator, "undo_spam", "member", member, _reason(reason))
    entry.undone_at = utcnow()
    member.banned_at, member.ban_reason = None, ""
    for article in db.session.scalars(
        select(Article).where(Article.hidden_by_action_id == entry.id).order_by(Article.id)
    ):
        _restore_article(article)  # unless its author deleted it meanwhile
    db.session.execute(
        update(Comment).where(Comment.hidden_by_action_id == entry.id)
        .values(hidden_at=None, hidden_reason="", hidden_by_action_id=None)
        .execution_options(**NO_SYNC))
    db.session.commit()


def set_role(admin, member, role):
    """Appoint or dismiss a moderator or an admin (commits)."""
    permissions.require(permissions.can_set_role(admin, member), "member")
    if role not in permissions.ROLES:
        raise ModerationError("role", "Choose member, moderator or admin.")
    if member.role == role:
        return
    _log(admin, f"role_{role}", "member", member, f"Now {role} (was {member.role}).")
    member.role = role
    db.session.commit()
