"""Drop ix_users_display_name_lower: nothing reads it since members are found by the
words of their names (0016_member_search); it only cost a write per member update.

Revision ID: 0018_drop_display_name_index
Revises: 0017_uploads
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_drop_display_name_index"
down_revision = "0017_uploads"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_users_display_name_lower", table_name="users")


def downgrade():
    op.create_index("ix_users_display_name_lower", "users", [sa.text("lower(display_name)")])
