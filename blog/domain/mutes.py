"""Mutes: a member stops reading another member, or a tag, without anyone knowing.

A muted member's articles leave every feed of the member who muted them, and
their comments show folded; a muted tag's articles leave the feeds too, except
on that tag's own page (where the member asked for it). Nothing tells the
muted member: there is no count, no notice, and their own pages look the same.
Muting changes only what one member reads, so a suspended member may mute too.
"""

from dataclasses import dataclass

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Article, MemberMute, Tag, TagMute, User, article_tags, utcnow
from . import permissions
from .errors import FieldError
from .races import unless_gone
from .rows import commit_keeping_loaded, insert_ignoring_duplicates


class MuteError(FieldError):
    """A mute that makes no sense (muting yourself)."""


@dataclass(frozen=True)
class MuteState:
    muted: bool


def _reader(user):
    return user is not None and user.is_authenticated


def checks_mutes(user):
    """Whether what `user` reads must be checked against mutes (False for visitors): a
    member who mutes nothing at all (known when their session was resumed) needs no check."""
    return _reader(user) and not getattr(user, "mutes_nothing", False)


def _now_mutes(user):
    # A mute made in this request counts for the rest of it.
    user.mutes_nothing = False


def is_muting(user, member):
    """True when `user` muted the member `member` (False for visitors)."""
    return checks_mutes(user) and db.session.get(MemberMute, (user.id, member.id)) is not None


def is_muting_tag(user, tag):
    """True when `user` muted `tag` (False for visitors)."""
    return checks_mutes(user) and db.session.get(TagMute, (user.id, tag.id)) is not None


def muted_among(user, member_ids):
    """Which of `member_ids` `user` muted: one SQL statement (none for visitors or no ids)."""
    member_ids = {member_id for member_id in member_ids if member_id is not None}
    if not checks_mutes(user) or not member_ids:
        return set()
    return set(db.session.scalars(
        select(MemberMute.muted_id)
        .where(MemberMute.user_id == user.id, MemberMute.muted_id.in_(member_ids))
    ))


def mute(user, member):
    """`user` mutes `member` (commits): idempotent."""
    permissions.require(_reader(user), "profile")
    if user.id == member.id:
        raise MuteError("username", "You cannot mute yourself.")
    with unless_gone("profile"):
        insert_ignoring_duplicates(MemberMute, user_id=user.id, muted_id=member.id,
                                   created_at=utcnow())
        commit_keeping_loaded()
    _now_mutes(user)
    return MuteState(muted=True)


def unmute(user, member):
    """`user` reads `member` again (commits)."""
    permissions.require(_reader(user), "profile")
    db.session.execute(
        delete(MemberMute).where(MemberMute.user_id == user.id, MemberMute.muted_id == member.id)
    )
    commit_keeping_loaded()
    return MuteState(muted=False)


def mute_tag(user, tag):
    """`user` mutes `tag` (commits): idempotent."""
    permissions.require(_reader(user), "tag")
    with unless_gone("tag"):
        insert_ignoring_duplicates(TagMute, user_id=user.id, tag_id=tag.id, created_at=utcnow())
        commit_keeping_loaded()
    _now_mutes(user)
    return MuteState(muted=True)


def unmute_tag(user, tag):
    """`user` reads `tag` again (commits)."""
    permissions.require(_reader(user), "tag")
    db.session.execute(delete(TagMute).where(TagMute.user_id == user.id, TagMute.tag_id == tag.id))
    commit_keeping_loaded()
    return MuteState(muted=False)


def muted_members(user):
    """The members `user` muted, by name (for Settings)."""
    return list(db.session.scalars(
        select(User).join(MemberMute, MemberMute.muted_id == User.id)
        .where(MemberMute.user_id == user.id).order_by(User.username)
    ))


def muted_tags(user):
    """The tags `user` muted, by name (for Settings)."""
    return list(db.session.scalars(
        select(Tag).join(TagMute, TagMute.tag_id == Tag.id)
        .where(TagMute.user_id == user.id).order_by(Tag.name)
    ))


def by_muted_member(author_id, reader_id):
    """SQL: `author_id` (a column) is a member the reader `reader_id` (a value or parameter)
    muted. One primary-key lookup."""
    return exists().where(MemberMute.user_id == reader_id, MemberMute.muted_id == author_id)


def is_muted_tag(tag_id, reader_id):
    """SQL: the tag `tag_id` (a column) is one the reader `reader_id` muted."""
    return exists().where(TagMute.user_id == reader_id, TagMute.tag_id == tag_id)


def with_muted_tag(article_id, reader_id, asked_tag_id=None):
    """SQL: the article `article_id` (a column) has a tag the reader `reader_id` muted,
    other than `asked_tag_id` (the tag whose own page this is: its articles stay). A lookup
    per tag of the article."""
    # Joined by name, not by a WHERE test: correlated inside a LATERAL subquery, the
    # latter reads as two unrelated tables to SQLAlchemy (and it would warn).
    tagged = article_tags.alias("muted_article_tags")
    muted_tag = (select(TagMute.tag_id)
                 .join_from(tagged, TagMute, TagMute.tag_id == tagged.c.tag_id)
                 .where(tagged.c.article_id == article_id, TagMute.user_id == reader_id))
    if asked_tag_id is not None:
        muted_tag = muted_tag.where(TagMute.tag_id != asked_tag_id)
    return muted_tag.exists()


def written_by_muted_member(article_id, reader_id):
    """SQL: the article `article_id` (a column, where the article itself is not at hand:
    a tag's index entry) is by a member the reader `reader_id` muted."""
    # The author looked up by the article's key, not joined: PostgreSQL would hash every
    # article to join them with the muted members.
    written = aliased(Article, name="muted_author_article")
    author = (select(written.author_id).where(written.id == article_id)
              .correlate_except(written).scalar_subquery())  # the article is two levels out
    return by_muted_member(author, reader_id)


def without_muted(statement, reader, asked_tag=None):
    """`statement` (a select of articles) without what `reader` muted; as is for visitors.

    Two tests in the same SQL statement, each a primary-key lookup per article
    read: a page costs no extra statement, and a reader who mutes nothing
    reads the same rows as before. `asked_tag` is the tag whose own page this
    is: its articles stay, muted or not.
    """
    if not checks_mutes(reader):
        return statement
    asked_tag_id = asked_tag.id if asked_tag is not None else None
    return statement.where(~by_muted_member(Article.author_id, reader.id),
                           ~with_muted_tag(Article.id, reader.id, asked_tag_id))
