"""Follows: a member follows other members and tags; their articles fill the Following tab.

Like blog.domain.reactions, each change is idempotent and commits its own
transaction; counts are read back in the same transaction. The member or
tag followed stays loaded after the commit, for the answer.
"""

import functools
from dataclasses import dataclass

from sqlalchemy import Integer, bindparam, delete, exists, func, select

from ..extensions import db
from ..models import Follow, TagFollow, utcnow
from . import notifications, permissions
from .errors import FieldError
from .races import unless_gone
from .rows import commit_keeping_loaded, insert_ignoring_duplicates


class FollowError(FieldError):
    """A follow that makes no sense (following yourself)."""


# Counts of follows stop here: past it a count says "10,000+". Counting every
# follower of a member followed by 100,000 would read 100,000 index entries on
# each view of their profile; this reads at most one more than the cap.
COUNTED_AT_MOST = 10_000


@dataclass(frozen=True)
class FollowState:
    following: bool
    followers_count: int | str | None  # a number, "10,000+" past COUNTED_AT_MOST; None: not asked


def capped_count(statement):
    """How many rows `statement` (of keys) finds: a number up to COUNTED_AT_MOST, else "10,000+".

    One SQL statement, counting a subquery that stops one row past the cap. Give
    it the column its index is searched by, so that the index alone answers.
    """
    found = db.session.scalar(
        select(func.count()).select_from(statement.limit(COUNTED_AT_MOST + 1).subquery())
    )
    return said(found)


def said(found):
    """A capped count as it is shown: the number, or "10,000+" past COUNTED_AT_MOST."""
    return found if found <= COUNTED_AT_MOST else f"{COUNTED_AT_MOST:,}+"


def _followers_of(member_id):
    return select(Follow.followed_id).where(Follow.followed_id == member_id)


def _followed_by(member_id):
    return select(Follow.follower_id).where(Follow.follower_id == member_id)


def _tag_followers_of(tag_id):
    return select(TagFollow.tag_id).where(TagFollow.tag_id == tag_id)


_KEYS = {"followers": _followers_of, "following": _followed_by,
        "tag followers": _tag_followers_of}
# What a page asks besides the counts: whether its reader follows the member or tag.
_ASKED = {
    "follows member": lambda reader, key: (Follow.follower_id == reader,
                                           Follow.followed_id == key),
    "follows tag": lambda reader, key: (TagFollow.user_id == reader, TagFollow.tag_id == key),
}


def counted_columns(key, *which, asking=None, reader_id=None):
    """SQL: the counts `which` ("followers", "following", "tag followers") of the member or
    tag `key` (an SQL value), each stopping one past COUNTED_AT_MOST (say them with
    said(); the statement's parameters take cap_parameters()), then with `asking`
    ("follows member", "follows tag") whether the reader `reader_id` (an SQL value) does:
    for a statement to read beside the member or tag (blog.domain.shown_profile)."""
    past_cap = bindparam("past_cap", type_=Integer)
    columns = [select(func.count()).select_from(_KEYS[name](key).limit(past_cap).subquery())
               .scalar_subquery() for name in which]
    if asking:
        columns.append(exists().where(*_ASKED[asking](reader_id, key)))
    return columns


def cap_parameters():
    """The parameters a statement with counted_columns needs: where the counts stop."""
    return {"past_cap": COUNTED_AT_MOST + 1}


@functools.cache
def _counted(*which, asking=None):
    # Written once per process (putting it together cost more than the database took
    # to answer): whose keys, the reader and the cap are parameters.
    return select(*counted_columns(bindparam("key", type_=Integer), *which, asking=asking,
                                   reader_id=bindparam("reader", type_=Integer)))


def _counts(key, *which, asking=None, reader=None):
    """The capped counts of `which` for `key`; with `asking`, then whether `reader` (a
    member; a visitor is False without asking) does that, all in one statement."""
    parameters = {"key": key, **cap_parameters()}
    ask = asking if reader is not None and reader.is_authenticated else None
    if ask:
        parameters["reader"] = reader.id
    found = db.session.execute(_counted(*which, asking=ask), parameters).one()
    counts = tuple(said(count) for count in found[:len(which)])
    if asking:
        return (*counts, bool(found[-1]) if ask else False)
    return counts


def followers_count(user):
    """How many members follow `user` (capped: see capped_count)."""
    return _counts(user.id, "followers")[0]


def following_count(user):
    """How many members `user` follows (capped: see capped_count)."""
    return _counts(user.id, "following")[0]


def tag_followers_count(tag):
    """How many members follow `tag` (capped: see capped_count)."""
    return _counts(tag.id, "tag followers")[0]


def followed_among(follower, user_ids):
    """Which of `user_ids` `follower` follows: one SQL statement (none for visitors)."""
    user_ids = set(user_ids)
    if not follower.is_authenticated or not user_ids:
        return set()
    return set(db.session.scalars(_followed_among_statement(),
                                  {"follower_id": follower.id, "ids": list(user_ids)}))


# Written once per process on the table (no ORM objects): a comment list asks it on every
# request of a member.
@functools.cache
def _followed_among_statement():
    follows = Follow.__table__
    return select(follows.c.followed_id).where(
        follows.c.follower_id == bindparam("follower_id", type_=Integer),
        follows.c.followed_id.in_(bindparam("ids", expanding=True)))


def is_following_tag(user, tag):
    """True when `user` follows `tag`."""
    return user.is_authenticated and db.session.get(TagFollow, (user.id, tag.id)) is not None


def follow(follower, followed, counted=True):
    """`follower` follows the member `followed` (commits). Returns the new FollowState;
    its followers_count is None unless `counted` (the API's answer does not show it)."""
    permissions.require_may_write(follower)
    if follower.id == followed.id:
        raise FollowError("username", "You cannot follow yourself.")
    with unless_gone("profile"):  # the member may have deleted their account meanwhile
        if insert_ignoring_duplicates(
            Follow, follower_id=follower.id, followed_id=followed.id, created_at=utcnow()
        ):
            notifications.followed(follower, followed.id)
        state = FollowState(following=True,
                            followers_count=followers_count(followed) if counted else None)
        commit_keeping_loaded()
    return state


def unfollow(follower, followed, counted=True):
    """Stop following `followed`, if `follower` did (commits); the FollowState as follow()'s."""
    permissions.require(follower.is_authenticated, "profile")
    removed = db.session.execute(
        delete(Follow).where(Follow.follower_id == follower.id, Follow.followed_id == followed.id)
    ).rowcount
    if removed:
        notifications.unfollowed(follower, followed.id)
    state = FollowState(following=False,
                        followers_count=followers_count(followed) if counted else None)
    commit_keeping_loaded()
    return state


def follow_tag(user, tag):
    """`user` follows `tag` (commits)."""
    permissions.require_may_write(user)
    with unless_gone("tag"):
        insert_ignoring_duplicates(TagFollow, user_id=user.id, tag_id=tag.id, created_at=utcnow())
        state = FollowState(following=True, followers_count=tag_followers_count(tag))
        commit_keeping_loaded()
    return state


def unfollow_tag(user, tag):
    """`user` stops following `tag` (commits)."""
    permissions.require(user.is_authenticated, "tag")
    db.session.execute(
        delete(TagFollow).where(TagFollow.user_id == user.id, TagFollow.tag_id == tag.id)
    )
    state = FollowState(following=False, followers_count=tag_followers_count(tag))
    commit_keeping_loaded()
    return state
