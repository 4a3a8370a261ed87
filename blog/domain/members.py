"""The members list for admins: find members by name or email, with what they wrote."""

from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..models import Article, Comment, LoginSession, User, utcnow
from . import permissions


def listed():
    """The members a list may show anyone: neither banned nor awaiting approval (the SQL
    spelling of permissions.can_see_member for a visitor)."""
    return and_(User.banned_at.is_(None), User.awaiting_approval.is_(False))


def _like(text):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def search(admin, text="", status="", limit=50, offset=0):
    """Members matching `text` (name, display name or email), newest first.

    One query for the page: each row is (member, articles, comments, last seen).
    Returns (rows, whether there are more).
    """
    permissions.require(permissions.user_is_admin(admin), "member")
    articles = (select(func.count()).where(Article.author_id == User.id)
                .correlate(User).scalar_subquery())
    comments = (select(func.count()).where(Comment.author_id == User.id)
                .correlate(User).scalar_subquery())
    # A live session's last use, else the last login (a ban deletes the sessions).
    last_seen = func.coalesce(
        select(func.max(LoginSession.last_seen_at))
        .where(LoginSession.user_id == User.id).correlate(User).scalar_subquery(),
        User.last_login_at)
    query = select(User, articles, comments, last_seen).order_by(User.id.desc())
    if text:
        pattern = _like(text)
        query = query.where(or_(func.lower(User.username).like(pattern, escape="\\"),
                                func.lower(User.display_name).like(pattern, escape="\\"),
                                func.lower(User.email).like(pattern, escape="\\")))
    if status == "moderators":
        query = query.where(User.role.in_(("moderator", "admin")))
    elif status == "suspended":
        query = query.where(User.suspended_until > utcnow())
    elif status == "banned":
        query = query.where(User.banned_at.is_not(None))
    elif status == "awaiting":
        query = query.where(User.awaiting_approval)
    rows = db.session.execute(query.limit(limit + 1).offset(offset)).all()
    return rows[:limit], len(rows) > limit
