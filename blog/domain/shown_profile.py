"""A member's profile as one reader sees it, on its page and in the API: the member,
how many follow them and how many they follow (the page only), and whether the reader
follows them, in one statement (before, two: the member, then the rest)."""

import functools
from typing import NamedTuple

from sqlalchemy import Integer, bindparam, func, select

from ..extensions import db
from ..models import User
from . import follows, permissions


class ShownProfile(NamedTuple):
    """What a profile shows of its member to one reader."""

    member: User
    followers_count: int | str | None  # capped (follows.said); None when not asked
    following_count: int | str | None
    following: bool  # the reader follows the member (False for a visitor)


@functools.cache
def _statement(member, counts):
    # Written once per process for each kind of reader and need: every profile asks it.
    # The columns find the member by name as the statement does, on the same index:
    # correlated with the row, a count would be a derived table per row.
    named = func.lower(User.username) == bindparam("username")
    member_id = select(User.id).where(named).correlate(None).scalar_subquery()
    asked = {"asking": "follows member",
             "reader_id": bindparam("reader_id", type_=Integer)} if member else {}
    counted = ("followers", "following") if counts else ()
    return select(User, *follows.counted_columns(member_id, *counted, **asked)).where(named)


def profile_shown(username, viewer, counts=True):
    """The member called `username` (in any case) as `viewer` sees their profile (a
    ShownProfile; without `counts`, as the API's profile, which shows none), or None
    when there is none or they are not to be seen (permissions.can_see_member)."""
    member = viewer.is_authenticated
    parameters = {"username": username.lower()}
    if counts:
        parameters.update(follows.cap_parameters())
    if member:
        parameters["reader_id"] = viewer.id
    row = db.session.execute(_statement(member, counts), parameters).first()
    if row is None or not permissions.can_see_member(viewer, row[0]):
        return None
    found = row[1:3] if counts else (None, None)
    followers, following = (None if n is None else follows.said(n) for n in found)
    return ShownProfile(row[0], followers, following, bool(row[-1]) if member else False)
