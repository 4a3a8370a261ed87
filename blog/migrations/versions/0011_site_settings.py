"""Site settings, sign-up modes and invitations.

- site_settings: one row per setting an admin chose (name, texts, sign-up mode...);
- invites: single-use sign-up links (only the token's hash is kept);
- users.awaiting_approval: new members an admin has still to approve.

Revision ID: 0011_site_settings
Revises: 0010_moderation
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_site_settings"
down_revision = "0010_moderation"
branch_labels = None
depends_on = None


def _user_key(name, table, ondelete):
    return sa.ForeignKey("users.id", name=op.f(f"fk_{table}_{name}_users"), ondelete=ondelete)


def upgrade():
    op.create_table(
        "site_settings",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(),
                  _user_key("updated_by_id", "site_settings", "SET NULL"), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_site_settings")),
    )
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_by_id", sa.Integer(),
                  _user_key("created_by_id", "invites", "CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_by_id", sa.Integer(),
                  _user_key("used_by_id", "invites", "SET NULL"), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invites_token_hash")),
    )
    op.create_index("ix_invites_created_by_id_created_at", "invites",
                    ["created_by_id", "created_at"])
    op.create_index("ix_invites_used_by_id", "invites", ["used_by_id"])
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("awaiting_approval", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("awaiting_approval")
    op.drop_index("ix_invites_used_by_id", table_name="invites")
    op.drop_index("ix_invites_created_by_id_created_at", table_name="invites")
    op.drop_table("invites")
    op.drop_table("site_settings")
