"""Lists of articles: the queries behind every feed, and the one pagination helper.

Every list is built with a fixed number of SQL statements whatever its
length: one for the page of articles with their authors and tags (and, for a
logged-in reader, whether they liked and bookmarked each; a later page reads its
tags in a second one, blog.domain.cards). Each query
has an index behind it (see blog.models) that gives its order, so a page reads
about a page of rows however big the site grows; a card never reads the bodies.
"""

import functools
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import DateTime, Integer, Select, String, and_, bindparam, literal_column, select
from sqlalchemy.orm import defer, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Article, Bookmark, Tag, article_tags
from . import cards, mutes, ranking
from .rows import written_into_sql

PER_PAGE = 20
# Deep pages of an OFFSET query get slow; nobody reads page 500 of a feed.
MAX_PAGE = 500
TOP_PERIODS = ranking.PERIODS
# A card (and an API list entry) shows an article with its author and tags, but neither
# its Markdown nor its HTML, which stay in the database; an Atom entry shows the HTML.
# Built once: loader options cost more to build on every call than the bodies to read.
# The tags come from with_tags(), after the page. (Search's ranked page, the dashboard;
# other lists read blog.domain.cards.)
CARD_OPTIONS = (defer(Article.body), defer(Article.body_html), joinedload(Article.author))


class Listed(NamedTuple):
    """A list of articles: its statement, written once per process, and this request's
    values for its parameters (the tag, the author, the reader). Its cards statement is
    then written once too (blog.domain.cards): building both cost as much as running them."""

    statement: Select
    parameters: dict


def unmuted(listed, reader, asked_tag=None):
    """`listed` without what `reader` muted (blog.domain.mutes.without_muted)."""
    return listed._replace(statement=mutes.without_muted(listed.statement, reader, asked_tag))


@dataclass
class Page:
    """One page of a list: its items and whether there are pages around it."""

    items: list
    number: int
    has_next: bool
    liked_ids: set = field(default_factory=set)
    bookmarked_ids: set = field(default_factory=set)
    followed_author_ids: set = field(default_factory=set)  # when asked for (the API's)

    @property
    def has_prev(self):
        return self.number > 1


def page_number(number):
    """A page number as lists use it: from 1 to MAX_PAGE, 1 when missing or unusable."""
    if not isinstance(number, int) or isinstance(number, bool):
        return 1
    return min(max(number, 1), MAX_PAGE)


def paginate(statement, number, per_page=PER_PAGE, offset=None):
    """Run `statement` (an ordered select) for page `number`: one SQL statement.

    One row more than a page is fetched to know whether a next page exists,
    so no COUNT(*) is needed. `offset` (the API's) replaces the page's own.
    """
    offset = (number - 1) * per_page if offset is None else offset
    rows = db.session.scalars(statement.limit(per_page + 1).offset(offset)).unique().all()
    return Page(items=rows[:per_page], number=number, has_next=len(rows) > per_page)


def article_page(listed, reader, number=1, per_page=PER_PAGE, offset=None, body_html=False,
                 authors_followed=False):
    """A page of article cards: articles with author and tags, and what `reader` liked/saved
    (and, with `authors_followed`, which of the authors they follow).

    `listed` is a Listed, or a statement without parameters. `reader` is the member
    reading, or None for a visitor. The items are blog.domain.cards.Cards, plain rows
    without the bodies (with the HTML for `body_html`, a feed's entries).
    """
    statement, parameters = listed if isinstance(listed, Listed) else (listed, {})
    # The API's window counts in offsets, not pages.
    number = 1 if offset is not None else page_number(number)
    start = (number - 1) * per_page if offset is None else offset
    member = reader is not None and reader.is_authenticated
    found, liked, saved, followed = cards.read(
        statement, per_page + 1, start, body_html, reader.id if member else None, parameters,
        authors_followed, window_as_numbers=start == 0 and _plan_kept(statement))
    return Page(items=found[:per_page], number=number, has_next=len(found) > per_page,
                liked_ids=liked, bookmarked_ids=saved, followed_author_ids=followed)


@functools.cache
def _tags_statement():
    return (
        select(article_tags.c.article_id, Tag)
        .join(Tag, Tag.id == article_tags.c.tag_id)
        .where(article_tags.c.article_id.in_(bindparam("ids", expanding=True)))
    )


def with_tags(articles):
    """Give each of `articles` its tags, sorted by name as cards sort them (by code point,
    whatever the database's collation): one statement for all.

    Written once per process, on the primary key of article_tags. It does the job of
    selectinload(Article.tags) for a third of its cost (a list page spent 2 ms there).
    """
    if not articles:
        return articles
    tags = {article.id: [] for article in articles}
    for article_id, tag in db.session.execute(_tags_statement(), {"ids": list(tags)}):
        tags[article_id].append(tag)
    for article in articles:
        set_committed_value(article, "tags", cards.sorted_by_name(tags[article.id]))
    return articles


def feed_entries(listed, limit=PER_PAGE):
    """The first `limit` articles of `listed`, with authors, tags and HTML, for an Atom feed."""
    return article_page(listed, None, number=1, per_page=limit, body_html=True).items


@functools.cache
def _tag_named_statement():
    return select(Tag).where(Tag.name == bindparam("name"))


def tag_named(name):
    """The tag called `name` in any case, or None."""
    return db.session.scalar(_tag_named_statement(), {"name": name.lower()})


# --- the lists ----------------------------------------------------------------------
# Each returns an ordered select of published articles; the order always ends
# in a unique column, so pages never repeat or skip an article.


@functools.cache
def published():
    # Built once (a statement is never changed in place, only copied): every list starts here.
    # 'published' is written into the SQL: a parameter would leave PostgreSQL to price a
    # kept plan for any status (half the rows, of two), dearer than one for this status.
    return select(Article).where(Article.status == literal_column("'published'"))


def newest_first(statement):
    """`statement` in the lists' order: newest publication first, then the newest id."""
    return statement.order_by(Article.published_at.desc(), Article.id.desc())


@functools.cache
def latest():
    """Every published article, newest first."""
    return newest_first(published())


def _plan_kept(statement):
    """Whether the first page of `statement` runs on a plan PostgreSQL keeps (its window
    written as numbers, blog.domain.cards): the site's lists (Latest, the Top tabs),
    a tag's page and the API's list of a tag.

    A period's Top keeps its `since` a parameter (it moves with every request): with
    the window written, its plan is kept all the same (the Top of the week, 1.2 ms a
    page planned at each request, 0.97 kept, at 100,000 articles)."""
    return any(statement is kept for kept in
               (latest(), _top_of_all_time(), _tagged(), _tagged_by_name(),
                *(_top_since(period) for period in ranking.SCORED)))


@functools.cache
def _top_of_all_time():
    return published().order_by(
        Article.likes_count.desc(), Article.published_at.desc(), Article.id.desc()
    )


@functools.cache
def _top_since(period):
    return ranking.top(period, bindparam("since", type_=DateTime))


def top(period="week"):
    """The most liked articles published in the last week/month/year, or of all time.

    A period is read from the ranking blog.domain.ranking keeps (a score per
    article and period); all time from likes_count. A Listed.
    """
    if period == "all":
        return Listed(_top_of_all_time(), {})
    period = period if period in ranking.SCORED else "week"
    return Listed(_top_since(period), {"since": ranking.since(period)})


def tag_id_named(name):
    """SQL: the id of the tag called `name` (a lower-case value, or a bound parameter)."""
    return select(Tag.id).where(Tag.name == name).scalar_subquery()


def of_tag(tag_id):
    """The tag's rows of published articles: its index (tag_id, published_at, article_id)."""
    return and_(article_tags.c.tag_id == tag_id, article_tags.c.published_at.is_not(None))


def with_tag(statement, tag_id):
    """`statement` narrowed to the tag's articles, newest first, in the order of its index.

    A tag row carries its article's publication (blog.domain.articles), so the
    page reads the index from its newest end and stops after a page, however
    many articles the tag has.
    """
    return (
        statement.join(article_tags, article_tags.c.article_id == Article.id)
        .where(of_tag(tag_id))
        .order_by(article_tags.c.published_at.desc(), article_tags.c.article_id.desc())
    )


@functools.cache
def _tagged():
    # The tag's id is written into the SQL as a number: a statement of each tag's own, so
    # PostgreSQL keeps the plan it makes for that tag (blog.domain.cards) instead of
    # making it again at every request (a plan for any tag looked dearer to it).
    return with_tag(published(), written_into_sql("tag_id"))


def tagged(tag):
    """Published articles with `tag`, newest first: a Listed."""
    return Listed(_tagged(), {"tag_id": tag.id})


@functools.cache
def _tagged_by_name():
    # The API's ?tag=: the tag found by its name in the same statement, and the name
    # written into the SQL as a tag's page writes its id, for the same reason (at
    # 100,000 articles PostgreSQL planned the list again at each request: 1.5 ms,
    # against 1.0 kept).
    return with_tag(published(), tag_id_named(
        written_into_sql("tag_name", type_=String)))


def tagged_by_name(name):
    """Published articles with the tag called `name`, newest first: a Listed.

    `name` is written into the SQL: lower case and of a tag's characters only
    (blog.domain.articles.TAG_PATTERN), which the caller checks.
    """
    return Listed(_tagged_by_name(), {"tag_name": name})


@functools.cache
def _by_author():
    return newest_first(published().where(
        Article.author_id == bindparam("author_id", type_=Integer)))


def by_author(author):
    """`author`'s published articles, newest first: a Listed."""
    return Listed(_by_author(), {"author_id": author.id})


def reading_list(user):
    """The published articles `user` bookmarked, most recently bookmarked first."""
    return (
        published()
        .join(Bookmark, Bookmark.article_id == Article.id)
        .where(Bookmark.user_id == user.id)
        .order_by(Bookmark.created_at.desc(), Article.id.desc())
    )

