"""How many articles are published, in all and with each tag: numbers the writes move.

The API's articlesCount of the whole site and of a tag, and the counts on the tags page,
read one row each instead of counting index entries (a count that grew with the site:
up to 10,000 entries a request for the API). So every change of what is published
moves them, as its transaction commits (below, where the counters move):

- a save, publishing or not, with its tags (blog.domain.articles);
- a moderator hiding or restoring an article (blog.domain.moderation);
- the deletion of an article, or of an account with its articles;
- demo data added in bulk counts everything again (recount).

A change names the article's part before and after it (a Published): the counters
move by the difference.
"""

import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import (
    bindparam,
    case,
    delete,
    event,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Article, SiteCount, Tag, article_tags
from .rows import INSERTS

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
    """Count the change of one article from `before` to `after` (no commit; the counters
    move as the transaction commits). Nothing is written when nothing published
    changed: a draft's save stays a draft's."""
    pending = _pending()
    pending.tags.subtract(before.tag_ids)
    pending.tags.update(after.tag_ids)
    pending.site += int(after.listed) - int(before.listed)


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
    pending = _pending()
    pending.tags.subtract(dict(per_tag))
    pending.site -= listed


# --- the counters move as the transaction commits ------------------------------------
#
# Not where each change is made: the counter rows are locked from their UPDATE until the
# COMMIT, and every publication shares the site's row. Taken last, after every other lock
# of the transaction (the article's, the member's, the followers' rows its notices name),
# they are held for a moment, and never in a cycle with those: a removal as spam that
# hides many articles, or a publication racing a follower's account deletion, would
# otherwise deadlock on PostgreSQL. A rollback forgets what was pending.

_PENDING = "published_counts.pending"


@dataclass
class _Pending:
    tags: Counter = field(default_factory=Counter)
    site: int = 0


def _pending():
    session = db.session()
    # Counted at the top level of a transaction, after a lock or a flush began it: a
    # SAVEPOINT's release would write them early, and its rollback would not forget them.
    if not session.in_transaction() or session.in_nested_transaction():
        raise RuntimeError("published counts move inside a transaction, outside savepoints")
    return session.info.setdefault(_PENDING, _Pending())


@event.listens_for(Session, "before_commit")
def _write_pending(session):
    pending = session.info.pop(_PENDING, None)
    if pending is not None:
        _add(session, pending.tags, pending.site)


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session, transaction):
    if transaction.parent is None:  # the whole transaction, committed or rolled back
        session.info.pop(_PENDING, None)


def _add(session, tag_deltas, site_delta):
    changed = sorted(tag_id for tag_id, delta in tag_deltas.items() if delta)
    if changed:
        if session.get_bind().dialect.name != "sqlite":
            # Locked in id order first: two saves sharing tags never wait for each other
            # in a circle (an UPDATE locks rows in whatever order it finds them). NO KEY
            # UPDATE, as the UPDATE's own lock: a plain FOR UPDATE would also wait for the
            # key-share locks of every uncommitted tag link (its foreign key), and two
            # saves linking the same tags deadlocked on them.
            session.execute(select(Tag.id).where(Tag.id.in_(changed))
                            .order_by(Tag.id).with_for_update(key_share=True))
        by_id = case({tag_id: tag_deltas[tag_id] for tag_id in changed}, value=Tag.id)
        session.execute(
            update(Tag).where(Tag.id.in_(changed))
            .values(articles_count=Tag.articles_count + by_id)
            .execution_options(synchronize_session=False))
    if site_delta and not session.execute(
            update(SiteCount).where(SiteCount.name == PUBLISHED_ARTICLES)
            .values(value=SiteCount.value + site_delta)
            .execution_options(synchronize_session=False)).rowcount:
        # No row (an emptied table, a hand's DELETE): counted afresh, this transaction's
        # changes included, unless another transaction put it back meanwhile.
        session.execute(_site_row_again(session), {"delta": site_delta})


def _site_row_again(session):
    table = SiteCount.__table__
    counted = select(literal(PUBLISHED_ARTICLES), func.count()).select_from(Article).where(
        Article.status == "published")
    statement = INSERTS[session.get_bind().dialect.name](table).from_select(
        ["name", "value"], counted)
    return statement.on_conflict_do_update(
        index_elements=["name"], set_={"value": table.c.value + bindparam("delta")})


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
    were added without the domain (blog.seed), or changed by hand."""
    if db.session.get_bind().dialect.name != "sqlite":
        # Until the commit no save moves a counter (they wait, at their lock of a tag or
        # at their UPDATE), and the counts below see every one that did: nothing is
        # counted twice or lost. EXCLUSIVE: it waits for the row locks a writer took
        # already (FOR NO KEY UPDATE) too, rather than meeting them half way. SQLite's one
        # writer gives the same once the UPDATE below has begun.
        db.session.execute(text("LOCK TABLE tags, site_counts IN EXCLUSIVE MODE"))
    per_tag = (select(func.count()).select_from(article_tags)
               .where(article_tags.c.tag_id == Tag.id, article_tags.c.published_at.is_not(None))
               .scalar_subquery())
    db.session.execute(update(Tag).values(articles_count=per_tag)
                       .execution_options(synchronize_session=False))
    listed = db.session.scalar(select(func.count()).select_from(Article)
                               .where(Article.status == "published"))
    db.session.execute(delete(SiteCount).where(SiteCount.name == PUBLISHED_ARTICLES))
    db.session.execute(insert(SiteCount).values(name=PUBLISHED_ARTICLES, value=listed))


def drift():
    """Where the counters and the rows disagree: [(what, kept, counted)], the whole site's
    first, then tags by name; empty when all is true. One statement, so one moment of the
    database (a publication committed midway is not taken for a wrong count). It counts
    every published article: for `flask doctor`, never for a page."""
    published = Article.status == "published"
    site = select(literal("all articles"), func.coalesce(site_count().scalar_subquery(), 0),
                  select(func.count()).select_from(Article).where(published).scalar_subquery())
    tags = select(literal("#") + Tag.name, Tag.articles_count,
                  select(func.count()).select_from(article_tags)
                  .where(article_tags.c.tag_id == Tag.id, article_tags.c.published_at.is_not(None))
                  .scalar_subquery())
    return [tuple(row) for row in db.session.execute(site.union_all(tags)) if row[1] != row[2]]
