"""Articles, their tags and their old slugs."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .clock import utcnow
from .members import User

article_tags = db.Table(
    "article_tags",
    db.Column(
        "article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    ),
    db.Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    # The article's published_at while it is published, else NULL (blog.domain.articles):
    # a tag's list, newest first, reads its own index and nothing more.
    db.Column("published_at", db.DateTime, nullable=True),
    # The primary key serves "tags of an article"; this serves "articles of a tag".
    Index("ix_article_tags_tag_id_published_at", "tag_id", "published_at", "article_id"),
    # The latest tag uses of published articles, newest first: popular tags
    # (blog.domain.trending) read this alone.
    Index("ix_article_tags_published_at_tag_id", "published_at", "tag_id",
          sqlite_where=text("published_at IS NOT NULL"),
          postgresql_where=text("published_at IS NOT NULL")),
)


def _scored(period):
    """Partial: only the articles that have a score for this Top period (blog.domain.ranking)."""
    where = text(f"top_{period}_likes IS NOT NULL")
    return {"sqlite_where": where, "postgresql_where": where}


class Tag(db.Model):
    """A topic; names are stored lowercase, so uniqueness ignores case."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    # Its published articles, moved by every change of what is published
    # (blog.domain.published_counts): read, never counted.
    articles_count: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (CheckConstraint("name = lower(name)", name="name_lowercase"),)

    def __repr__(self):
        return f"<Tag {self.name}>"


class Article(db.Model):
    """A post in Markdown, with its HTML rendered and sanitised when it was saved."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set once from the first title: links keep working when the title changes.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # Deleting the account deletes its articles in the database (ON DELETE CASCADE).
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    cover_url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    reading_minutes: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The first publication; kept if the article goes back to draft and out again.
    published_at: Mapped[datetime | None]
    # Counters kept in the same transaction as the rows they count (blog.domain.reactions,
    # blog.domain.comments), so a list of cards needs no COUNT per card.
    likes_count: Mapped[int] = mapped_column(default=0, server_default="0")
    comments_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Moved with comments_count, but only ever up: what a comments section kept in one
    # process is checked against (blog/article/comment_section.py), since a comment
    # deleted and another added in a second process bring the count back.
    comments_changes: Mapped[int] = mapped_column(default=0, server_default="0")
    # The Top tab's scores: likes_count while the article is young enough for that
    # period, else NULL (drafts too); moved with likes_count (blog.domain.ranking).
    top_week_likes: Mapped[int | None]
    top_month_likes: Mapped[int | None]
    top_year_likes: Mapped[int | None]
    # Hidden by a moderator: taken out of publication (status "draft", so every list
    # leaves it out by the index it already reads) until a moderator restores it.
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The action that hid it: undoing "remove as spam" restores what that action hid.
    hidden_by_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderation_actions.id", ondelete="SET NULL"), index=True
    )

    author: Mapped[User] = relationship()
    tags: Mapped[list[Tag]] = relationship(
        secondary=article_tags, order_by=Tag.name, passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        # Newest published first (home page and feeds), and a member's own list.
        Index("ix_articles_status_published_at", "status", "published_at"),
        Index("ix_articles_author_id_status_published_at", "author_id", "status", "published_at"),
        # The Top tab: most liked first, of all time and in each period.
        Index("ix_articles_status_likes_count", "status", "likes_count", "published_at"),
        # ... and in a period: its order, and the articles by age for the sweep that unscores.
        *(Index(f"ix_articles_top_{p}", f"top_{p}_likes", "published_at", "id", **_scored(p))
          for p in ("week", "month", "year")),
        *(Index(f"ix_articles_top_{p}_age", "published_at", **_scored(p))
          for p in ("week", "month", "year")),
        # What moderators hid of a member's articles (shown on their own profile): the
        # few hidden rows alone, not all of a prolific author's articles.
        Index("ix_articles_author_id_hidden_at", "author_id", "hidden_at",
              sqlite_where=text("hidden_at IS NOT NULL"),
              postgresql_where=text("hidden_at IS NOT NULL")),
    )

    @property
    def is_published(self):
        return self.status == "published"

    @property
    def is_hidden(self):
        return self.hidden_at is not None

    def __repr__(self):
        return f"<Article {self.slug}>"


class ArticleSlug(db.Model):
    """A slug an article had before its title changed: old links still find it."""

    __tablename__ = "article_slugs"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- what members do with articles and each other -------------------------------------
