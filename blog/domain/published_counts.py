"""How many articles are published, in all and with each tag: numbers the writes move.

The API's articlesCount of the whole site and of a tag, and the counts on the tags page,
read one row each instead of counting index entries (a count that grew with the site:
up to 10,000 entries a request for the API). So every change of what is published
moves them, in the same transaction as the change:

- a save, publishing or not, with its tags (blog.domain.articles);
- a moderator hiding or restoring an article (blog.domain.moderation);
- the deletion of an article, or of an account with its articles;
- demo data added in bulk counts everything again (recount).

A change names the article's part before and after it (a Published): the counters
move by the difference.
"""

import functools
from collections import Counter
from typing import NamedTuple

from sqlalchemy import bindparam, case, delete, func, insert, select, update

from ..extensions import db
from ..models import Article, SiteCount, Tag, article_tags
from .rows import upsert_adding

PUBLISHED_ARTICLES = "published_articles"


class Published(NamedTuple):
    """What the counters count of one article: whether it is published, and the tags it
    is listed under (none while it is a draft)."""

    listed: bool
    tag_ids: frozenset


NOTHING = Published(False, frozenset())


def of(article):
    """`article`'s part in the counters as it is in memory (its tags loaded, or loaded now)."""
    if article.status != "published":
        return NOTHING
    return Published(True, frozenset(tag.id for tag in article.tags))


def stored(article_id):
    """The article's part in the counters as the database has it (one statement). Read
    it under the article's lock (blog.domain.races), or a concurrent change may pass it."""
    rows = db.session.execute(
        select(Article.status, article_tags.c.tag_id)
        .outerjoin(article_tags, article_tags.c.article_id == Article.id)
        .where(Article.id == article_id)
        .execution_options(autoflush=False)
    ).all()
    if not rows or rows[0].status != "published":
        return NOTHING
    return Published(True, frozenset(row.tag_id for row in rows if row.tag_id is not None))


def move(before, after):
    """Count the change of one article from `before` to `after` (no commit). Nothing is
    written when nothing published changed: a draft's save stays a draft's."""
    deltas = Counter()
    deltas.subtract(before.tag_ids)
    deltas.update(after.tag_ids)
    _add(deltas, int(after.listed) - int(before.listed))


def forget_articles_of(user_id):
    """Count out every published article of the member `user_id`, before the account and
    its articles are deleted (no commit; their rows locked first, blog.domain.races)."""
    per_tag = db.session.execute(
        select(article_tags.c.tag_id, func.count())
        .join(Article, Article.id == article_tags.c.article_id)
        .where(Article.author_id == user_id, article_tags.c.published_at.is_not(None))
        .group_by(article_tags.c.tag_id)
    ).all()
    listed = db.session.scalar(
        select(func.count()).select_from(Article)
        .where(Article.author_id == user_id, Article.status == "published"))
    _add(Counter({tag_id: -count for tag_id, count in per_tag}), -listed)


def _add(tag_deltas, site_delta):
    changed = sorted(tag_id for tag_id, delta in tag_deltas.items() if delta)
    if changed:
        if db.session.get_bind().dialect.name != "sqlite":
            # Locked in id order first: two saves sharing tags never wait for each other
            # in a circle (an UPDATE locks rows in whatever order it finds them). NO KEY
            # UPDATE, as the UPDATE's own lock: a plain FOR UPDATE would also wait for the
            # key-share locks of every uncommitted tag link (its foreign key), and two
            # saves linking the same tags deadlocked on them.
            db.session.execute(select(Tag.id).where(Tag.id.in_(changed))
                               .order_by(Tag.id).with_for_update(key_share=True))
        by_id = case({tag_id: tag_deltas[tag_id] for tag_id in changed}, value=Tag.id)
        db.session.execute(
            update(Tag).where(Tag.id.in_(changed))
            .values(articles_count=Tag.articles_count + by_id)
            .execution_options(synchronize_session=False))
    if site_delta:
        # Inserted if missing (an emptied table): the next write finds it.
        upsert_adding(SiteCount, {"name": PUBLISHED_ARTICLES}, "value", site_delta)


@functools.cache
def site_count():
    """SQL: how many articles are published on the whole site (no row reads as none)."""
    return select(SiteCount.value).where(SiteCount.name == PUBLISHED_ARTICLES)


@functools.cache
def tag_count():
    """SQL: how many published articles have the tag named by the parameter `tag_name`
    (lower case; an unknown name reads no row)."""
    return select(Tag.articles_count).where(Tag.name == bindparam("tag_name"))


def recount():
    """Count every published article again, in all and per tag (no commit): after rows
    were added without the domain (blog.seed)."""
    per_tag = (select(func.count()).select_from(article_tags)
               .where(article_tags.c.tag_id == Tag.id, article_tags.c.published_at.is_not(None))
               .scalar_subquery())
    db.session.execute(update(Tag).values(articles_count=per_tag)
                       .execution_options(synchronize_session=False))
    listed = db.session.scalar(select(func.count()).select_from(Article)
                               .where(Article.status == "published"))
    db.session.execute(delete(SiteCount).where(SiteCount.name == PUBLISHED_ARTICLES))
    db.session.execute(insert(SiteCount).values(name=PUBLISHED_ARTICLES, value=listed))
