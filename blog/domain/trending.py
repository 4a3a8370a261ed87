"""Popular tags: the tags most used by the latest published articles, at a fixed cost.

Counting every article's tags grows with the site (on PostgreSQL the planner
ends up hashing all of article_tags). What is popular now is better told by
recent writing anyway, so the count looks at the latest POPULAR_TAGS_SAMPLE
tag rows of published articles (an article has up to 4: about the latest
1,000 to 3,000 articles) and nothing else.

Why these rows: article_tags.published_at already holds the article's
publication while it is published (NULL for drafts and hidden articles,
blog.domain.articles keeps it), so a partial index on (published_at, tag_id)
of the published rows gives the latest uses newest first, read from the index
alone, without joining articles. A window of days instead would read a
number of rows that grows with the site's activity; a number of rows does not.
"""

import functools

from sqlalchemy import func, select

from ..extensions import db
from ..models import Tag, article_tags
from .rows import written_into_sql

POPULAR_TAGS_SAMPLE = 3000
# GET /api/tags lists at most this many tags.
POPULAR_TAGS_SHOWN = 100


def recent_uses():
    """A subquery of (tag_id, uses) over the latest POPULAR_TAGS_SAMPLE published tag rows.

    The one definition of "popular" (the API's tags, the tag list, the welcome page).
    """
    return _recent_uses(POPULAR_TAGS_SAMPLE)


# Written once per sample size: building these statements cost about as much as running
# them (a statement is never changed in place, only copied, so sharing one is safe). The
# numbers are written into the SQL (rows.written_into_sql): as parameters, PostgreSQL
# planned the statement again at every request (0 kept plans in 20 runs at 100k).
@functools.lru_cache(maxsize=8)
def _recent_uses(sample):
    recent = (
        select(article_tags.c.tag_id)
        .where(article_tags.c.published_at.is_not(None))
        .order_by(article_tags.c.published_at.desc())
        .limit(written_into_sql("sample", sample))
        .subquery()
    )
    return (
        select(recent.c.tag_id, func.count().label("uses"))
        .group_by(recent.c.tag_id)
        .subquery()
    )


def popular_tags(limit=None):
    """Names of the tags the latest published articles use most, most used first.

    Ties go by name. One SQL statement, reading POPULAR_TAGS_SAMPLE index
    entries and one tag per name listed, however big the site.
    """
    return list(db.session.scalars(_popular_names(POPULAR_TAGS_SAMPLE,
                                                  limit or POPULAR_TAGS_SHOWN)))


@functools.lru_cache(maxsize=8)
def _popular_names(sample, shown):
    uses = _recent_uses(sample)
    return (select(Tag.name).join(uses, uses.c.tag_id == Tag.id)
            .order_by(uses.c.uses.desc(), Tag.name).limit(written_into_sql("shown", shown)))
