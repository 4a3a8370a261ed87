"""Index the hidden articles of each author (partial: hidden rows only).

A member's own profile lists what moderators hid of theirs. Without this index
the database read every article of theirs to find the few hidden ones: 11.7 to
12.7 ms on PostgreSQL and 21.8 ms on SQLite for an author of 4,181 articles.

Revision ID: 0019_hidden_articles_index
Revises: 0018_drop_display_name_index
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_hidden_articles_index"
down_revision = "0018_drop_display_name_index"
branch_labels = None
depends_on = None

HIDDEN = sa.text("hidden_at IS NOT NULL")


def upgrade():
    op.create_index("ix_articles_author_id_hidden_at", "articles", ["author_id", "hidden_at"],
                    sqlite_where=HIDDEN, postgresql_where=HIDDEN)


def downgrade():
    op.drop_index("ix_articles_author_id_hidden_at", table_name="articles")
