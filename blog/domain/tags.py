"""The list of tags, the tags a member follows, and the tags to suggest to a newcomer.

Each tag keeps the count of its published articles (blog.domain.published_counts). So:

- "Popular" is blog.domain.trending's: how often a tag was used by the latest
  published tag rows (read on their own index), as GET /api/tags has it; the
  other tags follow by name. The order reads the sample and the tags table,
  never all the articles.
- The count shown beside a tag is that number, read with the tag.
- A tag only drafts use is never listed: its name is its author's until published.
"""

from dataclasses import dataclass, field

from sqlalchemy import exists, func, select

from ..extensions import db
from ..models import Tag, TagFollow, article_tags
from . import listing, trending
from .articles import TAG_PATTERN

SORTS = ("popular", "name")
PER_PAGE = 30
FOLLOWED_SHOWN = 200


@dataclass
class TagDirectory:
    """A page of the tag list: the tags (each with its articles_count) and which the
    reader follows."""

    sort: str
    page: listing.Page
    followed_ids: set = field(default_factory=set)


def is_valid_name(name):
    """True when `name` could be a tag's (any case): what an article may be tagged with."""
    return bool(TAG_PATTERN.fullmatch(name.lower()))


def _published_uses(tag_id_column):
    """True when a published article has the tag: one probe of its (tag_id, published_at) index."""
    return exists().where(
        article_tags.c.tag_id == tag_id_column, article_tags.c.published_at.is_not(None)
    )


def _ordered(sort):
    listed = select(Tag).where(_published_uses(Tag.id))
    if sort == "name":
        return listed.order_by(Tag.name)
    uses = trending.recent_uses()
    return (
        listed.outerjoin(uses, uses.c.tag_id == Tag.id)
        .order_by(func.coalesce(uses.c.uses, 0).desc(), Tag.name)
    )


def directory(sort, number, reader):
    """Page `number` of the tags with published articles, by `sort` (one of SORTS).

    Two statements at most: the page, with each tag's count, and for a member which
    they follow.
    """
    sort = sort if sort in SORTS else SORTS[0]
    page = listing.paginate(_ordered(sort), listing.page_number(number), PER_PAGE)
    ids = [tag.id for tag in page.items]
    return TagDirectory(sort=sort, page=page, followed_ids=followed_among(reader, ids))


def followed_among(reader, tag_ids):
    """Which of `tag_ids` `reader` follows: one statement (none for visitors)."""
    if not tag_ids or reader is None or not reader.is_authenticated:
        return set()
    return set(db.session.scalars(
        select(TagFollow.tag_id)
        .where(TagFollow.user_id == reader.id, TagFollow.tag_id.in_(tag_ids))
    ))


def followed_by(user, limit=FOLLOWED_SHOWN):
    """The tags `user` follows, by name (the first `limit`): one statement."""
    return db.session.scalars(
        select(Tag)
        .join(TagFollow, TagFollow.tag_id == Tag.id)
        .where(TagFollow.user_id == user.id)
        .order_by(Tag.name)
        .limit(limit)
    ).all()


def popular(limit=10):
    """The tags most used by the latest published articles, most used first: one statement.

    What a newcomer is offered to follow: the same popularity as GET /api/tags.
    """
    uses = trending.recent_uses()
    return db.session.scalars(
        select(Tag).join(uses, uses.c.tag_id == Tag.id)
        .order_by(uses.c.uses.desc(), Tag.name)
        .limit(limit)
    ).all()
