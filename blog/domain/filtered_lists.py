"""Lists filtered by tag, author and liker, counted up to a cap: the API's GET /articles.

Each combination of filters is one statement written once per process, with the names
as its parameters, and so is its count: building them cost as much as running them.
The whole site's and a tag's counts are numbers the writes keep
(blog.domain.published_counts); the others stop at a cap (API_MAX_COUNT), so each
costs the same on a site of any size.
"""

import functools
import threading
import weakref
from typing import NamedTuple

from sqlalchemy import Integer, Select, bindparam, func, select

from ..extensions import db
from ..models import Article, Like, User
from ..runtime import give_up_turn
from . import listing, published_counts, tags
from .listing import tag_id_named


def matching(tag=None, author=None, liked_by=None):
    """Published articles, newest first, with `tag`, by `author` and liked by `liked_by`:
    a Listed.

    Each is a name (tag name, username); None leaves that filter out, and an
    unknown name matches nothing.
    """
    if tag is not None and author is None and liked_by is None and tags.is_valid_name(tag):
        # A tag alone runs on a plan PostgreSQL keeps, as a tag's page does; a name no
        # tag can have stays a parameter below (and finds nothing).
        return listing.tagged_by_name(tag.lower())
    return listing.Listed(_matching(*_shape(tag, author, liked_by)),
                          _names(tag, author, liked_by))


class Kept(NamedTuple):
    """A number the writes keep (blog.domain.published_counts), for count() to read."""

    statement: Select
    parameters: dict


def matching_keys(tag=None, author=None, liked_by=None):
    """What count() counts of matching(): the ids, or for the whole site and a tag alone
    the number of published articles that the writes keep."""
    if author is None and liked_by is None:
        if tag is None:
            return Kept(published_counts.site_count(), {})
        return Kept(published_counts.tag_count(), _names(tag, None, None))
    return listing.Listed(_matching_keys(*_shape(tag, author, liked_by)),
                          _names(tag, author, liked_by))


def _shape(tag, author, liked_by):
    return tag is not None, author is not None, liked_by is not None


def _names(tag, author, liked_by):
    # Names are compared in lower case (as listing.tag_named does).
    return {name: value.lower() for name, value in
            (("tag_name", tag), ("author_name", author), ("liked_by_name", liked_by))
            if value is not None}


# Written once per process for each combination of filters: the names are parameters.
@functools.cache
def _matching(by_tag, by_author, by_liked_by):
    if not (by_tag or by_author or by_liked_by):
        return listing.latest()  # the same list, and run as the whole site's (cards)
    statement = listing.published()
    if by_author:
        statement = statement.where(Article.author_id == user_id_named(bindparam("author_name")))
    if by_liked_by:
        statement = statement.where(Article.id.in_(
            select(Like.article_id).where(Like.user_id == user_id_named(bindparam("liked_by_name")))
        ))
    if by_tag:
        return listing.with_tag(statement, tag_id_named(bindparam("tag_name")))
    return listing.newest_first(statement)


@functools.cache
def _matching_keys(by_tag, by_author, by_liked_by):
    return _matching(by_tag, by_author, by_liked_by).with_only_columns(Article.id)


def user_id_named(username):
    """SQL: the id of the member called `username` in any case (a lower-case value, or a
    bound parameter)."""
    # A scalar subquery compared with "=": the planner can then use the
    # (author_id, status, published_at) index, which it does not for "IN (subquery)".
    return select(User.id).where(func.lower(User.username) == username).scalar_subquery()


def count(keys, at_most):
    """How many rows `keys` (a Listed, or a statement) would return, but at most
    `at_most`: one SQL statement.

    The API's articlesCount. Counting stops at `at_most`, so it costs the same
    on a site of any size; give it the ids alone (matching_keys()) and the
    list's index answers without reading the rows.
    """
    if isinstance(keys, Kept):
        return min(db.session.scalar(keys.statement, keys.parameters) or 0, at_most)
    statement, parameters = keys if isinstance(keys, listing.Listed) else (keys, {})
    if db.engine.dialect.name != "sqlite":
        # Up to 10,000 keys counted by the database server while this thread only waits:
        # the next request may run meanwhile (blog/web/turns.py). On SQLite the count is
        # this process's own millisecond, and measured, giving the turn up cost more.
        give_up_turn()
    return db.session.scalar(_count_statement(statement), {**parameters, "at_most": at_most})


# The count of each keys statement, written once with it (as cards are, blog.domain.cards).
_counts = weakref.WeakKeyDictionary()
_counts_lock = threading.Lock()


def _count_statement(statement):
    with _counts_lock:
        counted = _counts.get(statement)
    if counted is None:
        limited = statement.order_by(None).limit(bindparam("at_most", type_=Integer))
        counted = select(func.count()).select_from(limited.subquery())
        with _counts_lock:
            _counts[statement] = counted
    return counted
