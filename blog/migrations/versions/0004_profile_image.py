"""A profile picture address on users (RealWorld's `image`).

Revision ID: 0004_profile_image
Revises: 0003_community
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_profile_image"
down_revision = "0003_community"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("image_url", sa.String(500), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("image_url")
