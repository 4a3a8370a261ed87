"""Uploads: pictures members upload (profile pictures, covers, images in articles).

Revision ID: 0017_uploads
Revises: 0016_member_search
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_uploads"
down_revision = "0016_member_search"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("extension", sa.String(length=5), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_uploads_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploads")),
        sa.UniqueConstraint("owner_id", "sha256", "kind", name=op.f("uq_uploads_owner_id")),
    )
    op.create_index("ix_uploads_owner_id_created_at", "uploads", ["owner_id", "created_at"])
    op.create_index("ix_uploads_sha256", "uploads", ["sha256"])


def downgrade():
    op.drop_index("ix_uploads_sha256", table_name="uploads")
    op.drop_index("ix_uploads_owner_id_created_at", table_name="uploads")
    op.drop_table("uploads")
