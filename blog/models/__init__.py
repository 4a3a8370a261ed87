"""The tables. Rules about who may do what live in the domain modules, not here."""

from .articles import Article, ArticleSlug, Tag, article_tags
from .clock import utcnow
from .comments import Comment, Shown
from .members import LoginSession, Named, User
from .moderation import REPORT_REASONS, ModerationAction, Report
from .mutes import MemberMute, TagMute
from .notifications import NOTIFICATION_KINDS, Notification, NotificationPref
from .outbox import OutboxEmail
from .reactions import Bookmark, Follow, Like, TagFollow
from .search import articles_fts, member_words, members_fts, search_vector
from .site import Invite, SiteCount, SiteSetting
from .uploads import UPLOAD_KINDS, Upload

__all__ = [
    "Article", "ArticleSlug", "Bookmark", "Comment", "Follow", "Invite", "Like", "LoginSession",
    "MemberMute", "ModerationAction", "NOTIFICATION_KINDS", "Named", "Notification",
    "NotificationPref", "Shown",
    "REPORT_REASONS", "Report",
    "OutboxEmail", "SiteCount", "SiteSetting", "Tag", "TagFollow", "TagMute", "UPLOAD_KINDS",
    "Upload", "User",
    "article_tags", "articles_fts", "member_words", "members_fts", "search_vector", "utcnow",
]
