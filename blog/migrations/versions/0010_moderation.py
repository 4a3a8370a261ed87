"""Roles, reports and moderation.

- users.role ("member", "moderator", "admin") replaces users.is_admin (admins stay admins);
  users.suspended_until / suspension_reason and banned_at / ban_reason;
- articles and comments: hidden_at, hidden_reason and the action that hid them;
- reports (one member reports one article, comment or member once) and the
  moderation log, moderation_actions.

Revision ID: 0010_moderation
Revises: 0009_bounded_lists
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_moderation"
down_revision = "0009_bounded_lists"
branch_labels = None
depends_on = None

OPEN = sa.text("resolved_at IS NULL")
ONE_TARGET = (
    "(CASE WHEN article_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN comment_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN member_id IS NULL THEN 0 ELSE 1 END) = 1"
)


def _hidden_columns():
    return [
        sa.Column("hidden_at", sa.DateTime(), nullable=True),
        sa.Column("hidden_reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("hidden_by_action_id", sa.Integer(), nullable=True),
    ]


def upgrade():
    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("moderator_id", sa.Integer(),
                  sa.ForeignKey("users.id", name=op.f("fk_moderation_actions_moderator_id_users"),
                                ondelete="SET NULL"), nullable=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("target_kind", sa.String(10), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("target_label", sa.String(200), nullable=False),
        sa.Column("subject_id", sa.Integer(),
                  sa.ForeignKey("users.id", name=op.f("fk_moderation_actions_subject_id_users"),
                                ondelete="SET NULL"), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_actions")),
    )
    op.create_index("ix_moderation_actions_created_at", "moderation_actions", ["created_at"])
    op.create_index("ix_moderation_actions_subject_id_created_at", "moderation_actions",
                    ["subject_id", "created_at"])
    op.create_index("ix_moderation_actions_moderator_id", "moderation_actions",
                    ["moderator_id"])
    op.create_index("ix_moderation_actions_target_kind_target_id", "moderation_actions",
                    ["target_kind", "target_id", "id"])

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(),
                  sa.ForeignKey("users.id", name=op.f("fk_reports_reporter_id_users"),
                                ondelete="CASCADE"), nullable=False),
        sa.Column("article_id", sa.Integer(),
                  sa.ForeignKey("articles.id", name=op.f("fk_reports_article_id_articles"),
                                ondelete="CASCADE"), nullable=True),
        sa.Column("comment_id", sa.Integer(),
                  sa.ForeignKey("comments.id", name=op.f("fk_reports_comment_id_comments"),
                                ondelete="CASCADE"), nullable=True),
        sa.Column("member_id", sa.Integer(),
                  sa.ForeignKey("users.id", name=op.f("fk_reports_member_id_users"),
                                ondelete="CASCADE"), nullable=True),
        sa.Column("reason", sa.String(12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(12), nullable=False, server_default=""),
        sa.CheckConstraint(ONE_TARGET, name=op.f("ck_reports_one_target")),
        sa.CheckConstraint("reason IN ('spam', 'harassment', 'off-topic', 'other')",
                           name=op.f("ck_reports_reason")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    for target in ("article", "comment", "member"):
        op.create_index(f"uq_reports_reporter_{target}", "reports",
                        ["reporter_id", f"{target}_id"], unique=True)
        op.create_index(f"ix_reports_{target}_id", "reports", [f"{target}_id"])
    op.create_index("ix_reports_open", "reports", ["created_at"],
                    sqlite_where=OPEN, postgresql_where=OPEN)

    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(10), nullable=False,
                                      server_default="member"))
        batch_op.add_column(sa.Column("suspended_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("suspension_reason", sa.Text(), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("banned_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("ban_reason", sa.Text(), nullable=False,
                                      server_default=""))
    op.execute("UPDATE users SET role = 'admin' WHERE is_admin")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("is_admin")
        batch_op.create_check_constraint(op.f("ck_users_role"),
                                         "role IN ('member', 'moderator', 'admin')")

    for table in ("articles", "comments"):
        with op.batch_alter_table(table) as batch_op:
            for column in _hidden_columns():
                batch_op.add_column(column)
            batch_op.create_foreign_key(
                op.f(f"fk_{table}_hidden_by_action_id_moderation_actions"), "moderation_actions",
                ["hidden_by_action_id"], ["id"], ondelete="SET NULL")
            batch_op.create_index(f"ix_{table}_hidden_by_action_id", ["hidden_by_action_id"])


def downgrade():
    for table in ("comments", "articles"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f"ix_{table}_hidden_by_action_id")
            batch_op.drop_constraint(op.f(f"fk_{table}_hidden_by_action_id_moderation_actions"),
                                     type_="foreignkey")
            for column in ("hidden_by_action_id", "hidden_reason", "hidden_at"):
                batch_op.drop_column(column)

    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("is_admin", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE users SET is_admin = (role = 'admin')")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        for column in ("ban_reason", "banned_at", "suspension_reason", "suspended_until",
                       "role"):
            batch_op.drop_column(column)

    op.drop_table("reports")
    op.drop_table("moderation_actions")
