"""A tag's page as one reader sees it: the tag, how many follow it, and whether the
reader does, in one statement (before, two: the tag, then the rest)."""

import functools
from typing import NamedTuple

from sqlalchemy import Integer, bindparam, select

from ..extensions import db
from ..models import Tag
from . import follows


class ShownTag(NamedTuple):
    """What a tag's page shows of the tag to one reader."""

    tag: Tag
    followers_count: int | str  # capped: follows.said
    following: bool  # the reader follows the tag (False for a visitor)


@functools.cache
def _statement(member):
    # Written once per process, for visitors and for members: every tag page asks it.
    # The count finds the tag by name as the statement does, on its unique index.
    named = Tag.name == bindparam("name")
    tag_id = select(Tag.id).where(named).correlate(None).scalar_subquery()
    asked = {"asking": "follows tag",
             "reader_id": bindparam("reader_id", type_=Integer)} if member else {}
    return select(Tag, *follows.counted_columns(tag_id, "tag followers", **asked)).where(named)


def tag_shown(name, viewer):
    """The tag called `name` (in any case) as `viewer` sees its page (a ShownTag), or
    None when there is no such tag."""
    member = viewer.is_authenticated
    parameters = {"name": name.lower(), **follows.cap_parameters()}
    if member:
        parameters["reader_id"] = viewer.id
    row = db.session.execute(_statement(member), parameters).first()
    if row is None:
        return None
    return ShownTag(row[0], follows.said(row[1]), bool(row[2]) if member else False)
