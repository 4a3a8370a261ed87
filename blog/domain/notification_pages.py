"""Reading notifications: the bell's count, the pages of /notifications, marking them read.

What a member sees is read through heard(): nothing from a banned member, nor
from one they muted, whenever it was written (blog.domain.notifications writes).
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, func, select, update

from ..extensions import db
from ..models import Article, MemberMute, Notification, User, utcnow

PER_PAGE = 30
BELL_CAP = 99


def heard():
    """SQL (with the actor joined as User): the actor is not banned, nor muted by the recipient.

    Tested when read, so a mute (or a ban) also silences what came before it,
    and undoing it brings that back.
    """
    return and_(User.banned_at.is_(None), ~exists().where(
        MemberMute.user_id == Notification.recipient_id,
        MemberMute.muted_id == Notification.actor_id,
    ))


def _shown_to(user_id):
    """The notifications the member `user_id` (an id, or a bound parameter) sees: theirs,
    from members they hear (heard())."""
    return (
        select(Notification)
        .join(User, User.id == Notification.actor_id)
        .where(Notification.recipient_id == user_id, heard())
    )


def unread_count_query(user_id):
    """SQL: the bell's number for the member `user_id`, on the unread index, at most
    BELL_CAP + 1."""
    unread = (_shown_to(user_id).where(Notification.read_at.is_(None))
              .with_only_columns(Notification.id).limit(BELL_CAP + 1).subquery())
    return select(func.count()).select_from(unread)


def unread_count(user):
    """The bell's number: one statement (unread_count_query)."""
    return db.session.scalar(unread_count_query(user.id))


@dataclass
class Item:
    """One line of the page: one notification, or likes (follows) grouped."""

    kind: str
    actors: list = field(default_factory=list)
    created_at: datetime | None = None
    unread: bool = False
    article_title: str | None = None
    article_slug: str | None = None
    comment_id: int | None = None

    @property
    def who(self):
        """Who did it: '@ada', '@ada and @bob', '@ada and 4 others'."""
        first, others = self.actors[0], len(self.actors) - 1
        if others == 0:
            return f"@{first}"
        if others == 1:
            return f"@{first} and @{self.actors[1]}"
        return f"@{first} and {others} others"

    @property
    def what(self):
        """What they did, after who did it: "liked “Title”"."""
        title = f"“{self.article_title}”"
        return {
            "like": f"liked {title}", "comment": f"commented on {title}",
            "reply": f"replied to your comment on {title}", "mention": f"mentioned you in {title}",
            "article": f"published {title}", "follow": "followed you",
        }[self.kind]


@dataclass
class Page:
    items: list
    number: int
    has_prev: bool
    has_next: bool


def page_of(user, number=None):
    """A page of `user`'s notifications, newest first, noisy kinds grouped (one statement).

    Likes of one article, and new followers, become one line on a page (the
    unread ones apart from the read ones): "@ada and 4 others liked …".
    """
    number = max(1, number or 1)
    rows = db.session.execute(
        details().where(Notification.recipient_id == user.id, heard())
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PER_PAGE + 1).offset((number - 1) * PER_PAGE)
    ).all()
    return Page(grouped(rows[:PER_PAGE]), number, number > 1, len(rows) > PER_PAGE)


def grouped(rows):
    """Items from rows (kind, created_at, read_at, comment_id, article_id, username, title,
    slug), newest first: likes of one article and follows each made one line."""
    items, groups = [], {}
    for row in rows:
        unread = row.read_at is None
        key = (row.kind, row.article_id, unread) if row.kind in ("like", "follow") else None
        item = groups.get(key) if key else None
        if item is None:
            item = Item(row.kind, [], row.created_at, unread, row.title, row.slug,
                        row.comment_id)
            items.append(item)
            if key:
                groups[key] = item
        if row.username not in item.actors:
            item.actors.append(row.username)
    return items


def details():
    """The columns grouped() reads, joined from a notification."""
    return (select(Notification.kind, Notification.created_at, Notification.read_at,
                   Notification.comment_id, Notification.article_id,
                   User.username, Article.title, Article.slug)
            .join(User, User.id == Notification.actor_id)
            .outerjoin(Article, Article.id == Notification.article_id))


def mark_all_read(user):
    """Every unread notification of `user` is read now (commits); how many were."""
    marked = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return marked

