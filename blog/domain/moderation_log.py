"""Reading what moderators did: the log for admins, one target's history, a member's
hidden articles."""

from sqlalchemy import select

from ..extensions import db
from ..models import Article, ModerationAction, User
from . import permissions


def log_page(reader, limit=50, before_id=None):
    """The moderation log, newest first, with who acted (admins only). Two queries."""
    permissions.require(permissions.may_read_moderation_log(reader), "moderation")
    query = select(ModerationAction).order_by(ModerationAction.id.desc()).limit(limit)
    if before_id:
        query = query.where(ModerationAction.id < before_id)
    entries = db.session.scalars(query).all()
    ids = {e.moderator_id for e in entries} | {e.subject_id for e in entries}
    names = dict(db.session.execute(
        select(User.id, User.username).where(User.id.in_(ids - {None})))
        .all()) if entries else {}
    return entries, names


def hidden_articles_of(member, limit=50):
    """The member's articles the moderators hid, newest first (shown to them on their profile)."""
    return db.session.scalars(
        select(Article).where(Article.author_id == member.id, Article.hidden_at.is_not(None))
        .order_by(Article.hidden_at.desc()).limit(limit)
    ).all()


def find_action(action_id):
    return db.session.get(ModerationAction, action_id)


def history_of(kind, target_id, limit=20):
    """What moderators did to one target, newest first, with who did it."""
    return db.session.execute(
        select(ModerationAction, User.username)
        .outerjoin(User, User.id == ModerationAction.moderator_id)
        .where(ModerationAction.target_kind == kind, ModerationAction.target_id == target_id)
        .order_by(ModerationAction.id.desc()).limit(limit)
    ).all()


def actions_on(member, limit=20):
    """What moderators did to `member` or what they wrote, newest first (they see why)."""
    return db.session.scalars(
        select(ModerationAction).where(ModerationAction.subject_id == member.id)
        .order_by(ModerationAction.created_at.desc()).limit(limit)
    ).all()
