"""Lists whose cost does not grow with the site.

The Top tab's scores, tag lists read from their own index, a member's published
articles and comment threads by index:

- articles.top_week_likes / top_month_likes / top_year_likes: likes_count while the
  article is young enough for that Top period, else NULL (blog.domain.ranking), each
  with a partial index in the tab's order and one by age;
- article_tags.published_at: the article's publication while it is published, so a
  tag's list (and its count) reads (tag_id, published_at, article_id) alone;
- (author_id, status, published_at) instead of (author_id, published_at);
- comments by (article_id, parent_id, id) and (parent_id, id): an article's threads
  and a thread's replies are found without reading the rest of the discussion.

Revision ID: 0009_bounded_lists
Revises: 0008_article_slugs
Create Date: 2026-12-02
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0009_bounded_lists"
down_revision = "0008_article_slugs"
branch_labels = None
depends_on = None

# The Top periods and their days, as blog.domain.ranking has them today.
PERIODS = {"week": 7, "month": 30, "year": 365}


def _scored(period):
    where = sa.text(f"top_{period}_likes IS NOT NULL")
    return {"sqlite_where": where, "postgresql_where": where}


def upgrade():
    with op.batch_alter_table("articles") as batch_op:
        for period in PERIODS:
            batch_op.add_column(sa.Column(f"top_{period}_likes", sa.Integer(), nullable=True))
    with op.batch_alter_table("article_tags") as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))

    # Scores as of now; the app keeps them from here on.
    now = datetime.now(UTC).replace(tzinfo=None)
    scores = {
        f"top_{period}_likes": sa.text(
            f"CASE WHEN status = 'published' AND published_at >= :since_{period} "
            "THEN likes_count END"
        ).bindparams(**{f"since_{period}": now - timedelta(days=days)})
        for period, days in PERIODS.items()
    }
    articles = sa.table(
        "articles", sa.column("status"), sa.column("published_at"), sa.column("likes_count"),
        *(sa.column(name) for name in scores), sa.column("id"),
    )
    op.execute(sa.update(articles).values(**scores))
    article_tags = sa.table("article_tags", sa.column("article_id"), sa.column("published_at"))
    op.execute(sa.update(article_tags).values(published_at=(
        sa.select(articles.c.published_at)
        .where(articles.c.id == article_tags.c.article_id, articles.c.status == "published")
        .scalar_subquery()
    )))

    for period in PERIODS:
        op.create_index(f"ix_articles_top_{period}", "articles",
                        [f"top_{period}_likes", "published_at", "id"], **_scored(period))
        op.create_index(f"ix_articles_top_{period}_age", "articles", ["published_at"],
                        **_scored(period))
    op.drop_index("ix_articles_author_id_published_at", table_name="articles")
    op.create_index("ix_articles_author_id_status_published_at", "articles",
                    ["author_id", "status", "published_at"])
    op.drop_index("ix_article_tags_tag_id", table_name="article_tags")
    op.create_index("ix_article_tags_tag_id_published_at", "article_tags",
                    ["tag_id", "published_at", "article_id"])
    op.drop_index("ix_comments_article_id_id", table_name="comments")
    op.drop_index("ix_comments_parent_id", table_name="comments")
    op.create_index("ix_comments_article_id_parent_id_id", "comments",
                    ["article_id", "parent_id", "id"])
    op.create_index("ix_comments_parent_id_id", "comments", ["parent_id", "id"])


def downgrade():
    # The older code sorts every article of a period, and every row of a tag, again.
    op.drop_index("ix_comments_parent_id_id", table_name="comments")
    op.drop_index("ix_comments_article_id_parent_id_id", table_name="comments")
    op.create_index("ix_comments_parent_id", "comments", ["parent_id"])
    op.create_index("ix_comments_article_id_id", "comments", ["article_id", "id"])
    op.drop_index("ix_article_tags_tag_id_published_at", table_name="article_tags")
    op.create_index("ix_article_tags_tag_id", "article_tags", ["tag_id"])
    op.drop_index("ix_articles_author_id_status_published_at", table_name="articles")
    op.create_index("ix_articles_author_id_published_at", "articles",
                    ["author_id", "published_at"])
    for period in PERIODS:
        op.drop_index(f"ix_articles_top_{period}_age", table_name="articles")
        op.drop_index(f"ix_articles_top_{period}", table_name="articles")

    with op.batch_alter_table("article_tags") as batch_op:
        batch_op.drop_column("published_at")
    with op.batch_alter_table("articles") as batch_op:
        for period in reversed(PERIODS):
            batch_op.drop_column(f"top_{period}_likes")
