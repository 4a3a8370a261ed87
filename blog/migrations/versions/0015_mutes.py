"""Mutes: members a member no longer wants to read (member_mutes) and tags (tag_mutes).

Revision ID: 0015_mutes
Revises: 0014_notifications
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_mutes"
down_revision = "0014_notifications"
branch_labels = None
depends_on = None


def _user_fk(table, column="user_id"):
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete="CASCADE"
    )


def upgrade():
    op.create_table(
        "member_mutes",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("muted_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("user_id <> muted_id", name=op.f("ck_member_mutes_not_self")),
        _user_fk("member_mutes"),
        _user_fk("member_mutes", "muted_id"),
        sa.PrimaryKeyConstraint("user_id", "muted_id", name=op.f("pk_member_mutes")),
    )
    op.create_index("ix_member_mutes_muted_id", "member_mutes", ["muted_id"])
    op.create_table(
        "tag_mutes",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _user_fk("tag_mutes"),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_tag_mutes_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "tag_id", name=op.f("pk_tag_mutes")),
    )
    op.create_index("ix_tag_mutes_tag_id", "tag_mutes", ["tag_id"])


def downgrade():
    op.drop_index("ix_tag_mutes_tag_id", table_name="tag_mutes")
    op.drop_table("tag_mutes")
    op.drop_index("ix_member_mutes_muted_id", table_name="member_mutes")
    op.drop_table("member_mutes")
