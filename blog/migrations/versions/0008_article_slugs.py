"""Slugs that follow the title (RealWorld 2.0), with the old ones kept so links still work.

Revision ID: 0008_article_slugs
Revises: 0007_api_sessions
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_article_slugs"
down_revision = "0007_api_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "article_slugs",
        sa.Column("slug", sa.String(length=80), primary_key=True),
        sa.Column("article_id", sa.Integer(),
                  sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_article_slugs_article_id", "article_slugs", ["article_id"])


def downgrade():
    # The older code cannot follow an old slug: its links answer 404 again.
    op.drop_index("ix_article_slugs_article_id", table_name="article_slugs")
    op.drop_table("article_slugs")
