"""Keep the published articles counted: in all (site_counts) and per tag (tags.articles_count).

The API's articlesCount of the whole site and of a tag, and the counts of the tags page,
counted index entries at every request: up to 10,000 for the API, a cost that grew with
the site. The writes that change what is published now move these numbers
(blog.domain.published_counts); this counts them once, as they stand.

Revision ID: 0021_published_counts
Revises: 0020_comments_changes
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_published_counts"
down_revision = "0020_comments_changes"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("tags", sa.Column("articles_count", sa.Integer(), nullable=False,
                                    server_default="0"))
    op.create_table(
        "site_counts",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_site_counts")),
    )
    # A tag row carries its article's publication while it is published (0009).
    op.execute("UPDATE tags SET articles_count = (SELECT count(*) FROM article_tags "
               "WHERE article_tags.tag_id = tags.id AND article_tags.published_at IS NOT NULL)")
    op.execute("INSERT INTO site_counts (name, value) SELECT 'published_articles', count(*) "
               "FROM articles WHERE status = 'published'")


def downgrade():
    op.drop_table("site_counts")
    # SQLite (3.35 and later) drops a plain column in place: batch mode would copy the
    # table, and its copy would lose the CHECK that names are lower case.
    op.drop_column("tags", "articles_count")
