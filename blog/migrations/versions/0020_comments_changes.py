"""Count each article's comment changes (articles.comments_changes).

A comments section or comment list kept in one process's memory is checked against
the article's row, which every page reads anyway. Its comment count told whether
comments came or went in another process, but a deletion and a new comment there
bring the count back to what it was: this counter only grows.

Revision ID: 0020_comments_changes
Revises: 0019_hidden_articles_index
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_comments_changes"
down_revision = "0019_hidden_articles_index"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("articles", sa.Column("comments_changes", sa.Integer(), nullable=False,
                                        server_default="0"))


def downgrade():
    with op.batch_alter_table("articles") as batch_op:
        batch_op.drop_column("comments_changes")
