"""The Top tab's ranking: a score per article for each period, kept as likes come and go.

An article's score for a period (top_week_likes, top_month_likes, top_year_likes)
is its likes_count while it was published within that many days, and NULL
otherwise (drafts too). So the Top tab of a period reads a partial index of the
scored articles in its own order and stops after a page: its cost does not grow
with the site, however many articles the period holds.

How fresh it is: as fresh as the Latest tab.
- A like moves the scores in the same UPDATE as likes_count (NULL + 1 stays
  NULL), under the same lock, so they are exact at every commit.
- Publishing, unpublishing and editing set the article's scores from its row.
- An article grows too old for a period with time, with nobody writing. The
  tab therefore also asks for published_at within the period: an article just
  past it is never shown, scored or not. Unscoring those (the sweep) keeps the
  index to the period's articles: the tab steps over none but those grown old
  since the last publication. It runs with every publication and reads only
  what it unscores (at most SWEEP_BATCH per period).
"""

from datetime import timedelta

from sqlalchemy import any_, case, func, select, update

from ..extensions import db
from ..models import Article, utcnow

# The periods of the Top tab, in days; None is all time (it ranks by likes_count alone).
PERIODS = {"week": 7, "month": 30, "year": 365, "all": None}
SCORED = {period: days for period, days in PERIODS.items() if days is not None}


def score(period):
    """The column holding the articles' scores for `period` (not "all")."""
    return getattr(Article, f"top_{period}_likes")


def since(period, now=None):
    """The oldest publication a scored `period` holds, as of `now`."""
    return (now or utcnow()) - timedelta(days=SCORED[period])


def moved_likes(change):
    """The SET of an UPDATE that adds `change` likes to an article: count and scores at once."""
    values = {"likes_count": Article.likes_count + change}
    values.update({score(period).key: score(period) + change for period in SCORED})
    return values


def scores(status, published_at, likes_count, now=None):
    """The scores of an article with these values, as {column name: score}: for rows in bulk."""
    return {
        score(period).key: likes_count
        if status == "published" and published_at >= since(period, now) else None
        for period in SCORED
    }


def rescore(article_id, now=None):
    """Set the article's scores from its row: status, published_at and likes_count (one UPDATE).

    Computed by the database from the row as it is then, never from values read
    before: a like committed in between is counted.
    """
    young = {period: Article.published_at >= since(period, now) for period in SCORED}
    db.session.execute(
        update(Article)
        .where(Article.id == article_id)
        .values({
            score(period): case(
                ((Article.status == "published") & young[period], Article.likes_count)
            )
            for period in SCORED
        })
        .execution_options(synchronize_session=False)
    )


# The most articles one sweep unscores per period: a publication's cost stays small even
# after a long quiet time; the next publications take the rest.
SWEEP_BATCH = 500


def sweep(now=None, batch=SWEEP_BATCH):
    """Unscore the articles grown too old for a period (not committed): one UPDATE each.

    Each takes the oldest of them, at most `batch`, through the period's index by
    age, so it reads only what it changes. Rows another transaction holds are
    skipped (PostgreSQL, SKIP LOCKED), not waited for: the next sweep takes them,
    and meanwhile the tab's own test of published_at leaves them out.
    """
    for period in SCORED:
        column = score(period)
        grown_old = (
            select(Article.id)
            .where(column.is_not(None), Article.published_at < since(period, now))
            .order_by(Article.published_at)
            .limit(batch)
            .with_for_update(key_share=True, skip_locked=True)
        )
        db.session.execute(
            update(Article)
            .where(_among(grown_old))
            .values({column: None})
            .execution_options(synchronize_session=False)
        )


def _among(ids):
    """Article.id among the ids `ids` selects, read through the primary key.

    PostgreSQL joined an IN (subquery) by scanning every article; = ANY(ARRAY(...))
    looks each id up.
    """
    if db.engine.dialect.name == "postgresql":
        return Article.id == any_(func.array(ids.scalar_subquery()))
    return Article.id.in_(ids)


def top(period, oldest):
    """The articles of the Top tab of a scored `period`, in its order, published since
    `oldest` (since(period), or a bound parameter for it).

    Only published articles have a score, so the score's own index answers:
    a test of the status would lead the planner to sort the period instead.
    """
    column = score(period)
    # A scored article is published, so coalesce() changes nothing but the plan: on
    # published_at itself PostgreSQL took the index by age (guessing one row a period,
    # as if score and age were unrelated) and sorted the whole period.
    published_in_period = func.coalesce(Article.published_at, Article.created_at) >= oldest
    return (
        select(Article)
        .where(column.is_not(None), published_in_period)
        .order_by(column.desc(), Article.published_at.desc(), Article.id.desc())
    )
