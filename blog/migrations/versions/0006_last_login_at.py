"""When a member last logged in (a one-time login link dies with the next login).

Revision ID: 0006_last_login_at
Revises: 0005_email_changed_at
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_last_login_at"
down_revision = "0005_email_changed_at"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("last_login_at", sa.DateTime(), nullable=True))
    # Members who are logged in now keep their state: their newest session's start.
    op.execute(
        "UPDATE users SET last_login_at = ("
        "SELECT max(login_sessions.created_at) FROM login_sessions "
        "WHERE login_sessions.user_id = users.id)"
    )


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("last_login_at")
