"""The tables. Rules about who may do what live in the domain modules, not here."""

from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow():
    """Now in UTC, without tzinfo: what both SQLite and PostgreSQL columns hold."""
    return datetime.now(UTC).replace(tzinfo=None)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    username: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    # An https address of a picture, or "" for none (the API's `image`).
    image_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    is_admin: Mapped[bool] = mapped_column(default=False)
    email_verified_at: Mapped[datetime | None]
    # Bumped on every password change: reset links and API tokens issued
    # before it stop working.
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a confirmed change (or "this wasn't me") last set the email: for a
    # while after it, the old address may take the account back (blog.domain.recovery).
    email_changed_at: Mapped[datetime | None]
    # When the member last started a login session: a one-time login link
    # dies with the next login, even once that session has ended (blog.domain.login_links).
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list["LoginSession"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # Uniqueness that ignores case is the database's job, so two racing
    # sign-ups cannot both win.
    __table_args__ = (
        Index("uq_users_email_lower", func.lower(email), unique=True),
        Index("uq_users_username_lower", func.lower(username), unique=True),
    )

    # Set by the user loader: which login session this request runs under.
    current_session_token = None

    def get_id(self):
        """Flask-Login stores this in the cookie: the login session's token, not the user id."""
        return self.current_session_token

    @property
    def is_verified(self):
        return self.email_verified_at is not None

    @property
    def name(self):
        return self.display_name or self.username

    def __repr__(self):
        return f"<User {self.username}>"


class LoginSession(db.Model):
    """One row per login (a browser's, or an API client's token). Deleting it ends it at once."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of the random token in the cookie: a copy of the database
    # alone cannot be replayed as a cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # "browser" (its cookie names the row) or "api" (its token's `sid` does);
    # one kind's token is never accepted as the other's.
    kind: Mapped[str] = mapped_column(String(8), default="browser", server_default="browser")
    remember: Mapped[bool] = mapped_column(default=False)
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship(back_populates="sessions")


class OutboxEmail(db.Model):
    """An email waiting to go out, written in the same transaction as its cause."""

    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_outbox_emails_due", "sent_at", "next_attempt_at"),)


# --- articles -----------------------------------------------------------------

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
    # The Top tab's scores: likes_count while the article is young enough for that
    # period, else NULL (drafts too); moved with likes_count (blog.domain.ranking).
    top_week_likes: Mapped[int | None]
    top_month_likes: Mapped[int | None]
    top_year_likes: Mapped[int | None]

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
    )

    @property
    def is_published(self):
        return self.status == "published"

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


class Like(db.Model):
    """A member likes an article; the primary key makes liking twice one like."""

    __tablename__ = "likes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Bookmark(db.Model):
    """An article on a member's reading list."""

    __tablename__ = "bookmarks"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The reading list, newest bookmark first.
    __table_args__ = (Index("ix_bookmarks_user_id_created_at", "user_id", "created_at"),)


class Follow(db.Model):
    """follower follows followed; nobody follows themselves."""

    __tablename__ = "follows"

    follower_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    followed_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint("follower_id <> followed_id", name="not_self"),)


class TagFollow(db.Model):
    """A member follows a tag: its articles show under Following."""

    __tablename__ = "tag_follows"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(db.Model):
    """A comment in Markdown; a reply points at the first comment of its thread.

    Deleting a comment that has replies keeps the row as a "[deleted]"
    placeholder (deleted_at set, body emptied), so the thread stays readable.
    """

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    # Replies by others outlive a deleted account: its comments lose their author.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # One level deep: always a top-level comment, never a reply.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    author: Mapped[User | None] = relationship()

    # An article's threads (parent_id IS NULL) and a thread's replies, in the order written.
    __table_args__ = (
        Index("ix_comments_article_id_parent_id_id", "article_id", "parent_id", "id"),
        Index("ix_comments_parent_id_id", "parent_id", "id"),
    )

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    def __repr__(self):
        return f"<Comment {self.id} on {self.article_id}>"
