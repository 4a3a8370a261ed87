"""Who may do what to content. Views, the API and templates all ask here.

Each rule announces its answer (blog.domain.signals.decided), so the flow
inspector can tell which rule allowed or refused a request, and why.
"""

from functools import wraps

from ..events import security_event
from ..runtime import settings
from .errors import Forbidden, Unverified
from .signals import decided

MAY_NOT_WRITE = "Please confirm your email address first. We sent you a link."


def rule(check):
    """Mark `check(user, *targets)` as a rule: its answer is announced to listeners."""

    @wraps(check)
    def decide(user, *targets):
        allowed = bool(check(user, *targets))
        if decided.receivers:
            decided.send(check, user=user, targets=targets, allowed=allowed)
        return allowed

    return decide


def _writes(user):
    if not user.is_authenticated:
        return False
    return user.is_verified or not settings["REQUIRE_VERIFIED_EMAIL"]


@rule
def may_write(user):
    """Members may write once their email is confirmed (when the site asks for that).

    The one spelling of this rule: views, the API and templates all ask here.
    The rules below build on it through _writes, so that only the rule asked
    announces its answer (a page asks one per comment: half as many signals).
    """
    return _writes(user)


def require_may_write(user):
    """Raise Unverified unless `user` may write at all (see may_write)."""
    if not may_write(user):
        raise Unverified(MAY_NOT_WRITE)


@rule
def can_view(user, article):
    """Published articles are public; a draft is seen only by its author."""
    return article.is_published or (user.is_authenticated and user.id == article.author_id)


@rule
def can_edit(user, article):
    """Only the author edits, and only while allowed to write at all."""
    return _writes(user) and user.id == article.author_id


@rule
def can_delete(user, article):
    """The author, or an administrator."""
    if not user.is_authenticated:
        return False
    return user.id == article.author_id or user.is_admin


@rule
def can_comment(user, article):
    """Members who may write comment on published articles."""
    return _writes(user) and article.is_published


@rule
def can_edit_comment(user, comment):
    """Only the author edits a comment, while allowed to write; a deleted one is gone."""
    return _writes(user) and not comment.is_deleted and user.id == comment.author_id


@rule
def can_delete_comment(user, comment):
    """The author, or an administrator; a "[deleted]" placeholder goes by itself."""
    if not user.is_authenticated or comment.is_deleted:
        return False
    return user.id == comment.author_id or user.is_admin


def require_delete(user, article):
    """Forbidden unless `user` may delete `article`; an admin deleting another's is logged."""
    require(can_delete(user, article), "article")
    if user.id != article.author_id:
        security_event("admin.delete_article", user=user, article_id=article.id,
                       slug=article.slug, author_id=article.author_id)


def require_delete_comment(user, comment):
    """Forbidden unless `user` may delete `comment`; an admin deleting another's is logged."""
    require(can_delete_comment(user, comment), "comment")
    if user.id != comment.author_id:
        security_event("admin.delete_comment", user=user, comment_id=comment.id,
                       article_id=comment.article_id, author_id=comment.author_id)


def require(condition, resource, reason=None):
    """Raise Forbidden(resource, reason) unless `condition` holds."""
    if not condition:
        if decided.receivers:
            decided.send(require, user=None, targets=(resource,), allowed=False, reason=reason)
        raise Forbidden(resource, reason)
