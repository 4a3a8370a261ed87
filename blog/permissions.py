"""Who may do what to content. Every view and (later) the API asks here."""

from flask import abort

from .accounts import may_write

MAY_NOT_WRITE = "Please confirm your email address first. We sent you a link."


def can_write(user):
    """Members may write once their email is confirmed (when the site asks for that)."""
    return may_write(user)


def can_view(user, article):
    """Published articles are public; a draft is seen only by its author."""
    return article.is_published or (user.is_authenticated and user.id == article.author_id)


def can_edit(user, article):
    """Only the author edits, and only while allowed to write at all."""
    return may_write(user) and user.id == article.author_id


def can_delete(user, article):
    """The author, or an administrator."""
    if not user.is_authenticated:
        return False
    return user.id == article.author_id or user.is_admin


def require(condition, message=None):
    """Abort with 403 unless condition holds; message replaces the generic text."""
    if not condition:
        abort(403, message)
