"""When an account's email address last changed (the "this wasn't me" window).

Revision ID: 0005_email_changed_at
Revises: 0004_profile_image
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_email_changed_at"
down_revision = "0004_profile_image"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("email_changed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("email_changed_at")
