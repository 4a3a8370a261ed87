"""What a newcomer is offered to follow: popular tags and members who publish.

Four statements whatever the site's size: the popular tags (blog.domain.tags,
from the latest published articles), the members who wrote the latest
RECENT_ARTICLES published articles (the site's newest-first index, a fixed
number of rows), and which of each the newcomer follows already.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..models import Article, User
from . import follows, listing, tags
from .members import listed

TAGS_SUGGESTED = 12
MEMBERS_SUGGESTED = 8
RECENT_ARTICLES = 200


@dataclass
class Suggestions:
    """Tags and members to follow, and which of them the member follows already."""

    tags: list = field(default_factory=list)
    followed_tag_ids: set = field(default_factory=set)
    members: list = field(default_factory=list)
    followed_member_ids: set = field(default_factory=set)


def active_members(user, limit=MEMBERS_SUGGESTED):
    """Members who published lately, latest first: never `user`, nor a banned member."""
    recent = listing.latest().with_only_columns(Article.author_id, Article.published_at)
    recent = recent.limit(RECENT_ARTICLES).subquery()
    latest_of_each = (
        select(recent.c.author_id, func.max(recent.c.published_at).label("last"))
        .group_by(recent.c.author_id)
        .subquery()
    )
    return db.session.scalars(
        select(User)
        .join(latest_of_each, latest_of_each.c.author_id == User.id)
        .where(User.id != user.id, listed())
        .order_by(latest_of_each.c.last.desc(), User.id)
        .limit(limit)
    ).all()


def suggestions_for(user):
    """What the welcome page offers `user` to follow."""
    offered_tags = tags.popular(TAGS_SUGGESTED)
    members = active_members(user)
    return Suggestions(
        tags=offered_tags,
        followed_tag_ids=tags.followed_among(user, [tag.id for tag in offered_tags]),
        members=members,
        followed_member_ids=follows.followed_among(user, [member.id for member in members]),
    )
