"""Notifications and the members' choices about them.

- notifications: who did what to whom (recipient, kind, actor, article,
  comment), when it was read and when an email told of it;
- notification_prefs: per member and kind, in the site and by email (no row:
  the defaults of blog.domain.notifications);
- outbox_emails.headers: extra headers as JSON (List-Unsubscribe), "" for none.

Revision ID: 0014_notifications
Revises: 0012_bounded_costs (0013 is written in parallel: re-point at merge)
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_notifications"
down_revision = "0012_bounded_costs"
branch_labels = None
depends_on = None

UNREAD = sa.text("read_at IS NULL")
UNEMAILED = sa.text("emailed_at IS NULL")
KINDS = "kind IN ('comment', 'reply', 'follow', 'like', 'mention', 'article')"


def _cascade(name, table):
    return sa.ForeignKey(f"{table}.id", name=op.f(f"fk_notifications_{name}_{table}"),
                         ondelete="CASCADE")


def upgrade():
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), _cascade("recipient_id", "users"),
                  nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("actor_id", sa.Integer(), _cascade("actor_id", "users"), nullable=False),
        sa.Column("article_id", sa.Integer(), _cascade("article_id", "articles"), nullable=True),
        sa.Column("comment_id", sa.Integer(), _cascade("comment_id", "comments"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("emailed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(KINDS, name=op.f("ck_notifications_kind")),
        sa.CheckConstraint("recipient_id <> actor_id", name=op.f("ck_notifications_not_self")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index("ix_notifications_recipient_id_created_at", "notifications",
                    ["recipient_id", "created_at"])
    op.create_index("ix_notifications_unread", "notifications", ["recipient_id"],
                    sqlite_where=UNREAD, postgresql_where=UNREAD)
    op.create_index("ix_notifications_unemailed", "notifications", ["created_at"],
                    sqlite_where=UNEMAILED, postgresql_where=UNEMAILED)
    for column in ("actor_id", "article_id", "comment_id"):
        op.create_index(f"ix_notifications_{column}", "notifications", [column])

    op.create_table(
        "notification_prefs",
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("users.id", name=op.f("fk_notification_prefs_user_id_users"),
                                ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("in_site", sa.Boolean(), nullable=False),
        sa.Column("by_email", sa.Boolean(), nullable=False),
        sa.Column("last_emailed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_prefs")),
    )
    with op.batch_alter_table("outbox_emails") as batch_op:
        batch_op.add_column(sa.Column("headers", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("outbox_emails") as batch_op:
        batch_op.drop_column("headers")
    op.drop_table("notification_prefs")
    op.drop_table("notifications")
