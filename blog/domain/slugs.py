"""Slugs: an article's address from its title, following the title as it changes.

RealWorld 2.0 has the slug change with the title. Links already shared must
keep working, so every slug an article gave up is kept (article_slugs) and
still finds it: pages redirect to the new address, the API answers as usual.
No slug is ever handed to another article while one holds it, old or new. An
article holds its KEPT_SLUGS newest old ones: edits have no limit, and one article
must not hold the address of every title others will write.
"""

import re
import secrets
import unicodedata

from sqlalchemy import delete, select

from ..extensions import db
from ..models import Article, ArticleSlug

MAX_SLUG_BASE = 60
# Slugs that would collide with other routes: /api/articles/feed is the API's feed.
RESERVED_SLUGS = frozenset({"feed"})
KEPT_SLUGS = 10


def make_slug(title, taken=lambda slug: False):
    """A readable, unique slug: 'hello-world', or 'hello-world-3f9a' when that is taken."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    base = ""
    for word in words:
        candidate = f"{base}-{word}" if base else word
        if len(candidate) > MAX_SLUG_BASE:
            break
        base = candidate
    base = base or (words[0][:MAX_SLUG_BASE] if words else "article")
    slug = base
    while slug in RESERVED_SLUGS or taken(slug):
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def slug_taken(slug, by_other_than=None):
    """True when an article (but the one with id `by_other_than`) holds `slug`, now or before."""
    current = select(Article.id).where(Article.slug == slug)
    former = select(ArticleSlug.article_id).where(ArticleSlug.slug == slug)
    if by_other_than is not None:
        current = current.where(Article.id != by_other_than)
        former = former.where(ArticleSlug.article_id != by_other_than)
    return db.session.execute(current.union_all(former).limit(1)).first() is not None


def slug_for_new(title):
    """The slug of a new article called `title`."""
    return make_slug(title, slug_taken)


def follow_title(article, new_title):
    """Give `article` the slug of `new_title`, keeping the one it had; the caller commits.

    A title that makes the same slug keeps it; going back to an earlier title
    takes its earlier slug back.
    """
    new_slug = make_slug(new_title, lambda slug: slug_taken(slug, by_other_than=article.id))
    if new_slug == article.slug:
        return
    db.session.execute(delete(ArticleSlug).where(ArticleSlug.slug == new_slug))
    db.session.add(ArticleSlug(slug=article.slug, article_id=article.id))
    db.session.flush()
    newest = (select(ArticleSlug.slug).where(ArticleSlug.article_id == article.id)
              .order_by(ArticleSlug.created_at.desc()).limit(KEPT_SLUGS))
    db.session.execute(delete(ArticleSlug).where(ArticleSlug.article_id == article.id)
                       .where(ArticleSlug.slug.not_in(newest.scalar_subquery())))
    article.slug = new_slug


def article_at_former_slug(slug, *options):
    """The article that once had `slug`, or None (one query)."""
    return db.session.scalar(
        select(Article).join(ArticleSlug, ArticleSlug.article_id == Article.id)
        .where(ArticleSlug.slug == slug).options(*options)
    )
