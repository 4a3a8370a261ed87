"""Comments, likes, bookmarks, follows of members and tags, and the counters on articles.

Revision ID: 0003_community
Revises: 0002_articles
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_community"
down_revision = "0002_articles"
branch_labels = None
depends_on = None


def _user_fk(table, column="user_id", ondelete="CASCADE"):
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
    )


def _article_fk(table):
    return sa.ForeignKeyConstraint(
        ["article_id"], ["articles.id"],
        name=op.f(f"fk_{table}_article_id_articles"), ondelete="CASCADE",
    )


def _member_article_table(name):
    """likes and bookmarks: one row per (member, article)."""
    op.create_table(
        name,
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _user_fk(name),
        _article_fk(name),
        sa.PrimaryKeyConstraint("user_id", "article_id", name=op.f(f"pk_{name}")),
    )
    op.create_index(f"ix_{name}_article_id", name, ["article_id"])


def upgrade():
    with op.batch_alter_table("articles") as batch_op:
        batch_op.add_column(
            sa.Column("likes_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("comments_count", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_index(
        "ix_articles_status_likes_count", "articles", ["status", "likes_count", "published_at"]
    )

    _member_article_table("likes")
    _member_article_table("bookmarks")
    op.create_index("ix_bookmarks_user_id_created_at", "bookmarks", ["user_id", "created_at"])

    op.create_table(
        "follows",
        sa.Column("follower_id", sa.Integer(), nullable=False),
        sa.Column("followed_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("follower_id <> followed_id", name=op.f("ck_follows_not_self")),
        _user_fk("follows", "follower_id"),
        _user_fk("follows", "followed_id"),
        sa.PrimaryKeyConstraint("follower_id", "followed_id", name=op.f("pk_follows")),
    )
    op.create_index("ix_follows_followed_id", "follows", ["followed_id"])

    op.create_table(
        "tag_follows",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _user_fk("tag_follows"),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_tag_follows_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "tag_id", name=op.f("pk_tag_follows")),
    )
    op.create_index("ix_tag_follows_tag_id", "tag_follows", ["tag_id"])

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        _article_fk("comments"),
        _user_fk("comments", "author_id", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["comments.id"],
            name=op.f("fk_comments_parent_id_comments"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index("ix_comments_article_id_id", "comments", ["article_id", "id"])
    op.create_index("ix_comments_author_id", "comments", ["author_id"])
    op.create_index("ix_comments_parent_id", "comments", ["parent_id"])


def downgrade():
    op.drop_table("comments")
    op.drop_table("tag_follows")
    op.drop_table("follows")
    op.drop_table("bookmarks")
    op.drop_table("likes")
    op.drop_index("ix_articles_status_likes_count", table_name="articles")
    with op.batch_alter_table("articles") as batch_op:
        batch_op.drop_column("comments_count")
        batch_op.drop_column("likes_count")
