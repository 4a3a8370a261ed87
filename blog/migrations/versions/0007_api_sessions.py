"""Login sessions of API clients: a token names a row, so it can be listed and revoked.

Revision ID: 0007_api_sessions
Revises: 0006_last_login_at
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_api_sessions"
down_revision = "0006_last_login_at"
branch_labels = None
depends_on = None


def upgrade():
    # Every row that exists is a browser's: API tokens had no rows before.
    with op.batch_alter_table("login_sessions") as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=8), nullable=False, server_default="browser")
        )


def downgrade():
    # API clients' rows are kept: the older code lists them as sessions and
    # never accepts their tokens (a session cookie is signed with SECRET_KEY).
    with op.batch_alter_table("login_sessions") as batch_op:
        batch_op.drop_column("kind")
