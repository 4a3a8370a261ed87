"""Costs that do not grow with the site: popular tags and the API's comment list.

- article_tags (published_at, tag_id), only the rows of published articles: the
  latest tag uses, newest first, for GET /api/tags (blog.domain.trending);
- comments (article_id, coalesce(parent_id, id), id), only comments that are no
  "[deleted]" placeholder: an article's comments in reading order, each thread
  followed by its replies, for GET /api/articles/{slug}/comments.

Follower counts need no index: they stop at 10,000 on the (followed_id) index.

Revision ID: 0012_bounded_costs
Revises: 0011_site_settings
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_bounded_costs"
down_revision = "0011_site_settings"
branch_labels = None
depends_on = None


def _where(condition):
    where = sa.text(condition)
    return {"sqlite_where": where, "postgresql_where": where}


def upgrade():
    op.create_index("ix_article_tags_published_at_tag_id", "article_tags",
                    ["published_at", "tag_id"], **_where("published_at IS NOT NULL"))
    op.create_index("ix_comments_article_id_thread_id_id", "comments",
                    ["article_id", sa.text("coalesce(parent_id, id)"), "id"],
                    **_where("deleted_at IS NULL"))


def downgrade():
    op.drop_index("ix_comments_article_id_thread_id_id", table_name="comments")
    op.drop_index("ix_article_tags_published_at_tag_id", table_name="article_tags")
