"""Article cards: what a list shows of an article, read as plain rows, not ORM objects.

A card shows an article's title, description, dates and counts, its author's names
and picture, and its tags; never its body. A list's first page reads its 20 cards in
one statement, their tags included, as columns: building Article, User and Tag objects
(identity map, change tracking, loader machinery) cost five times more than the
database took to answer (0.32 against 0.06 ms for a page of 20 on SQLite), and a
second statement for the tags cost a sixth of a page on SQLite and a round trip on
PostgreSQL. A later page reads its tags in a second statement: PostgreSQL works out a
column for every row its OFFSET skips (10,000 on the deepest page), SQLite does not.

A Card has the attribute names of the Article it comes from, so the card template,
the API's list entries and the search results read either alike. It is a snapshot:
nothing writes through it.
"""

import functools
import threading
import weakref
from collections import namedtuple
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import Integer, bindparam, func, select

from ..extensions import db
from ..models import Article, Named, Tag, User, article_tags
from . import reader_marks

# A card's tag: its name is all a card or a list entry shows.
CardTag = namedtuple("CardTag", "name")


@dataclass(slots=True)
class Author(Named):
    """The author as a card shows them (blog.models.User's names and picture); `role`
    is not read (None)."""

    id: int
    username: str
    display_name: str | None
    image_url: str | None
    bio: str | None
    role: None = None


@dataclass(slots=True)
class Card:
    """One article of a list, with `author` and `tags` (CardTags, sorted by name)."""

    id: int
    slug: str
    title: str
    description: str
    cover_url: str | None
    status: str
    reading_minutes: int
    created_at: object
    updated_at: object
    published_at: object
    likes_count: int
    comments_count: int
    author_id: int
    author: Author
    tags: list
    body_html: str | None = None  # read for a feed's entries only


# The author through an alias of their own: a list's statement may join users already
# (search joins them to leave banned members out).
_author = User.__table__.alias("card_author")
ARTICLE_COLUMNS = (Article.id, Article.slug, Article.title, Article.description,
                   Article.cover_url, Article.status, Article.reading_minutes,
                   Article.created_at, Article.updated_at, Article.published_at,
                   Article.likes_count, Article.comments_count, Article.author_id)
AUTHOR_COLUMNS = (_author.c.id, _author.c.username, _author.c.display_name,
                  _author.c.image_url, _author.c.bio)
_SPLIT, _AUTHOR = len(ARTICLE_COLUMNS), len(AUTHOR_COLUMNS)
_TAGS = _SPLIT + _AUTHOR  # the tag names' column
# Tag names are letters, digits, "_" and "-" (blog.domain.articles.TAG_PATTERN).
_TAG_SEPARATOR = " "


def tag_names_column():
    """SQL: the names of the row's article's tags in one string (in the database's
    order: read() sorts them). Through aliases of their own: a tag page's statement
    joins article_tags already, and this must not correlate with that."""
    tagged, tags = article_tags.alias("card_article_tags"), Tag.__table__.alias("card_tags")
    return (select(func.aggregate_strings(tags.c.name, _TAG_SEPARATOR))
            .select_from(tagged.join(tags, tags.c.id == tagged.c.tag_id))
            .where(tagged.c.article_id == Article.id)
            .correlate(Article)
            .scalar_subquery())


def read(statement, limit, offset, body_html=False, reader_id=None, parameters=None,
         authors_followed=False, window_as_numbers=False):
    """Cards of `statement` (a select of Articles, ordered; `parameters` the values of its
    own), `limit` from `offset`, with their HTML when `body_html` (a feed's entries):
    a ReadCards, the cards and the ids of those the reader `reader_id` liked, and
    bookmarked, and with `authors_followed` the ids of the authors they follow (all
    three empty without a reader).

    The statement keeps its joins, conditions and order; only what it reads changes:
    the card's columns and its author's, through the same outer join the ORM's
    joinedload wrote, so the plan is the same, and for a member what they did with
    each (blog.domain.reader_marks, a statement less). A row repeated by a join is
    read once. With `window_as_numbers` the limit and offset are written into the SQL
    (see _cards_statement); otherwise they are parameters.
    """
    # How many of the reader's marks each row carries after the card (reader_marks).
    marks = 0 if reader_id is None else 3 if authors_followed else 2
    tags_inline = offset == 0
    parameters = {**(parameters or {}), "card_limit": limit, "card_offset": offset,
                  "card_reader_id": reader_id}
    cards, seen = [], set()
    liked, saved, followed = set(), set(), set()
    after_tags = _TAGS + 1 if tags_inline else _TAGS
    end = after_tags + (1 if body_html else 0)
    for row in db.session.execute(
            _cards_statement(statement, body_html, marks, tags_inline, window_as_numbers),
            parameters):
        if row[0] in seen:
            continue
        seen.add(row[0])
        author = Author(*row[_SPLIT:_TAGS])
        tags = card_tags(row[_TAGS]) if tags_inline else []
        cards.append(Card(*row[:_SPLIT], author, tags, *row[after_tags:end]))
        if marks:
            if row[end]:
                liked.add(row[0])
            if row[end + 1]:
                saved.add(row[0])
            if marks == 3 and row[end + 2]:
                followed.add(author.id)
    if not tags_inline:
        _with_tags(cards)
    return ReadCards(cards, liked, saved, followed)


class ReadCards(NamedTuple):
    """What cards.read gives: the cards, and what the reader did with them (ids)."""

    cards: list
    liked_ids: set
    bookmarked_ids: set
    followed_author_ids: set


# The cards statement made of each list's statement: a list written once per process
# (Latest) has its cards statement written once too; one made for a request is dropped
# with it. The reader is a parameter, and so are limit and offset unless written as
# numbers. Building it cost a third of reading.
_made = weakref.WeakKeyDictionary()
_made_lock = threading.Lock()


def _cards_statement(statement, body_html, marks, tags_inline, window_as_numbers):
    """The cards statement of `statement`: its columns, and its window as parameters
    (card_limit, card_offset), written into the SQL as numbers with `window_as_numbers`.

    Why both, on PostgreSQL (psycopg prepares a statement after five runs; PostgreSQL
    then plans it once for any values, or again at each run when it guesses that a
    plan for these values is cheaper): a LIMIT it does not know is priced as a tenth
    of the rows, so Latest's first page was planned again at every request (0.9 ms a
    run on 10,000 articles); with its numbers written it is planned once (0.45 ms).
    A tag's list with only its window written went the other way (0.3 to 0.6 ms on
    1,000): a plan for this tag looked cheaper than one for any tag, so a tag's page
    writes its tag too (blog.domain.listing). Each page written as numbers is a
    statement of its own, so only first pages are (listing.article_page).
    """
    key = (body_html, marks, tags_inline, window_as_numbers)
    with _made_lock:
        made = _made.setdefault(statement, {})
        cards_statement = made.get(key)
    if cards_statement is None:
        extra = (Article.body_html,) if body_html else ()
        mark_columns = reader_marks.mark_columns(
            bindparam("card_reader_id", type_=Integer), marks == 3) if marks else ()
        cards_statement = (
            statement.with_only_columns(*ARTICLE_COLUMNS, *AUTHOR_COLUMNS,
                                        *((tag_names_column(),) if tags_inline else ()),
                                        *extra, *mark_columns)
            .outerjoin(_author, _author.c.id == Article.author_id)
            .limit(bindparam("card_limit", type_=Integer, literal_execute=window_as_numbers))
            .offset(bindparam("card_offset", type_=Integer,
                              literal_execute=window_as_numbers)))
        with _made_lock:
            made[key] = cards_statement
    return cards_statement


def sorted_by_name(tags):
    """`tags` (cards' or models') in the order every list and article shows them: by
    name, by code point, the same on every database (tag names are ASCII letters,
    digits, "_" and "-"); an ORDER BY would follow the database's collation."""
    return sorted(tags, key=attrgetter("name"))


def card_tags(names):
    """CardTags, sorted by name, of the string tag_names_column() read (None: none)."""
    return sorted_by_name(CardTag(name) for name in names.split(_TAG_SEPARATOR)) if names else []


@functools.cache
def _tags_statement():
    # A later page's tags. Written once per process: the page's ids are its parameter.
    # Table columns run on the session's connection: no ORM.
    tags = Tag.__table__
    return (select(article_tags.c.article_id, tags.c.name)
            .join(tags, tags.c.id == article_tags.c.tag_id)
            .where(article_tags.c.article_id.in_(bindparam("ids", expanding=True))))


def _with_tags(cards):
    if not cards:
        return
    names = {card.id: [] for card in cards}
    for article_id, name in db.session.connection().execute(_tags_statement(),
                                                            {"ids": list(names)}):
        names[article_id].append(name)
    for card in cards:
        card.tags = sorted_by_name(CardTag(name) for name in names[card.id])
