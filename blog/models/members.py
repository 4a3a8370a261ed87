"""Members and their logins."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .clock import utcnow


class Named:
    """A member's name as pages show it, and their role's powers: for the model and for
    the plain rows pages read (blog.domain.cards, blog.domain.threads), spelled once."""

    __slots__ = ()

    @property
    def name(self):
        return self.display_name or self.username

    @property
    def is_admin(self):
        return self.role == "admin"

    @property
    def is_moderator(self):
        """Moderators and admins: both work the moderation queue."""
        return self.role in ("moderator", "admin")


class User(Named, UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    username: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    # An https address of a picture, or "" for none (the API's `image`).
    image_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # "member", "moderator" or "admin": what each may do is blog.domain.permissions'.
    role: Mapped[str] = mapped_column(String(10), default="member", server_default="member")
    # Set by moderators (blog.domain.moderation); the member sees the reason.
    suspended_until: Mapped[datetime | None]
    suspension_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    banned_at: Mapped[datetime | None]
    ban_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    email_verified_at: Mapped[datetime | None]
    # Set at sign-up while the site asks admins to approve new members: until an
    # admin does, the member confirms their address but cannot log in.
    awaiting_approval: Mapped[bool] = mapped_column(default=False, server_default=false())
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
        CheckConstraint("role IN ('member', 'moderator', 'admin')", name="role"),
        Index("uq_users_email_lower", func.lower(email), unique=True),
        Index("uq_users_username_lower", func.lower(username), unique=True),
    )

    # Set by the user loader: which login session this request runs under.
    current_session_token = None

    def get_id(self):
        """Flask-Login stores this in the cookie: the login session's token, not the user id."""
        return self.current_session_token

    @property
    def is_banned(self):
        return self.banned_at is not None

    @property
    def is_verified(self):
        return self.email_verified_at is not None

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
