"""Who may do what to content. Views, the API and templates all ask here.

Each rule announces its answer (blog.domain.signals.decided), so the flow
inspector can tell which rule allowed or refused a request, and why.
"""

from functools import wraps

from ..events import security_event
from ..models import utcnow
from ..runtime import settings
from .errors import Forbidden, Suspended, Unverified
from .signals import decided

MAY_NOT_WRITE = "Please confirm your email address first. We sent you a link."
ROLES = ("member", "moderator", "admin")


def rule(check):
    """Mark `check(user, *targets)` as a rule: its answer is announced to listeners."""

    @wraps(check)
    def decide(user, *targets):
        allowed = bool(check(user, *targets))
        if decided.receivers:
            decided.send(check, user=user, targets=targets, allowed=allowed)
        return allowed

    return decide


def is_suspended(user):
    """True while a moderator's suspension of `user` lasts: they read, but do not write."""
    return user.suspended_until is not None and user.suspended_until > utcnow()


def _writes(user):
    if not user.is_authenticated or is_suspended(user):
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
    """Raise Suspended or Unverified unless `user` may write at all (see may_write)."""
    if not may_write(user):
        if user.is_authenticated and is_suspended(user):
            raise Suspended(user.suspended_until, user.suspension_reason)
        raise Unverified(MAY_NOT_WRITE)


# --- roles ----------------------------------------------------------------------------


@rule
def may_moderate(user):
    """Moderators and admins work the moderation queue and read the reports (while
    neither suspended nor banned themselves)."""
    return (user.is_authenticated and user.is_moderator and not user.is_banned
            and not is_suspended(user))


@rule
def may_act_on(actor, member):
    """A moderator acts on members (and what they wrote), never on staff or on themselves.

    Admins act on moderators too, but on no admin: an admin is demoted by
    another admin first (can_set_role).
    """
    if not may_moderate(actor) or member is None or actor.id == member.id:
        return False
    if member.is_admin:
        return False
    return actor.is_admin or not member.is_moderator


@rule
def may_read_moderation_log(user):
    """Admins read the moderation log: what every moderator did, and why."""
    return user.is_authenticated and user.is_admin


@rule
def can_set_role(actor, member):
    """Admins appoint and dismiss moderators and admins; never their own role."""
    return user_is_admin(actor) and member is not None and actor.id != member.id


@rule
def may_administer(user):
    """Admins change the site's settings and approve new members (while neither suspended
    nor banned themselves)."""
    return user_is_admin(user) and not user.is_banned and not is_suspended(user)


@rule
def may_invite(user, members_invite):
    """Admins invite people; members who may write do too when the site allows it."""
    if may_administer(user):
        return True
    return bool(members_invite) and _writes(user)


def user_is_admin(user):
    return user.is_authenticated and user.is_admin


def visible_comments(user, comments):
    """`comments` without the hidden ones `user` may not see."""
    return [c for c in comments if not c.is_hidden or sees_hidden(user, c.author_id)]


def sees_hidden(user, author_id):
    """Hidden content stays visible, marked, to its author and to moderators."""
    return user.is_authenticated and (user.id == author_id or user.is_moderator)


@rule
def can_see_member(user, member):
    """Profiles are public, except a banned member's and one still awaiting the admins'
    approval: those are seen by the moderators and admins only (nobody else can tell
    the name is taken but by trying to sign up with it)."""
    if not (member.is_banned or member.awaiting_approval):
        return True
    return may_moderate(user)


@rule
def can_view(user, article):
    """Published articles are public; a draft is seen only by its author, a hidden
    article by its author and the moderators."""
    if article.is_published:
        return True
    if article.is_hidden:
        return sees_hidden(user, article.author_id)
    return user.is_authenticated and user.id == article.author_id


@rule
def can_edit(user, article):
    """Only the author edits, and only while allowed to write at all."""
    return _writes(user) and user.id == article.author_id


@rule
def can_delete(user, article):
    """The author, or a moderator who may act on the author."""
    if not user.is_authenticated:
        return False
    return user.id == article.author_id or may_act_on(user, article.author)


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
    """The author, or a moderator who may act on the author; a "[deleted]" placeholder
    goes by itself."""
    if not user.is_authenticated or comment.is_deleted:
        return False
    return user.id == comment.author_id or may_act_on(user, comment.author)


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
