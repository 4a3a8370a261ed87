"""An article as one reader sees it on its own page (and as the API's single article):
the article and its author, the names of its tags, and what the reader did with it
(liked it, bookmarked it, follows its author), in one statement.

Before, that was three statements (the article, its tags, the reader's marks): on
PostgreSQL three round trips. The tags come as one string, as a list's cards read them
(blog.domain.cards), and `article.tags` stays unloaded: an edit or a save reads the
Tag rows themselves.
"""

import functools
from typing import NamedTuple

from sqlalchemy import Integer, String, bindparam, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Article
from . import cards, listing, permissions, reactions, reader_marks, slugs


class ShownArticle(NamedTuple):
    """What the article's page shows of it to one reader."""

    article: Article  # with its author loaded; not its tags
    tags: list  # objects with a `name`, sorted by name
    liked: bool
    bookmarked: bool
    following_author: bool


NO_MARKS = (False, False, False)


@functools.cache
def _statement(member):
    # Written once per process, for visitors and for members: every article page asks it.
    marks = (reader_marks.mark_columns(bindparam("reader_id", type_=Integer),
                                       authors_followed=True) if member else ())
    return (select(Article, cards.tag_names_column(), *marks)
            .where(Article.slug == bindparam("slug", type_=String))
            .options(joinedload(Article.author)))


def article_shown(slug, viewer):
    """The article at `slug` as `viewer` sees it (a ShownArticle), or None when they may
    not see it. One statement; a slug the article had before its title changed finds it
    too, in a few more."""
    member = viewer.is_authenticated
    parameters = {"slug": slug, "reader_id": viewer.id} if member else {"slug": slug}
    row = db.session.execute(_statement(member), parameters).first()
    if row is None:
        return _at_former_slug(slug, viewer)
    article = row[0]
    if not permissions.can_view(viewer, article):
        return None
    marks = tuple(bool(mark) for mark in row[2:5]) if member else NO_MARKS
    return ShownArticle(article, cards.card_tags(row[1]), *marks)


def _at_former_slug(slug, viewer):
    # Rare (an old link): the page redirects; the API answers at the old slug, so the
    # tags and marks are read too, in a statement each, as before.
    article = slugs.article_at_former_slug(slug, joinedload(Article.author))
    if article is None or not permissions.can_view(viewer, article):
        return None
    listing.with_tags([article])
    return ShownArticle(article, list(article.tags), *reactions.marks(viewer, article))
