"""The Following feed: articles by the members and tags a member follows, newest first.

Its cost follows how many members and tags a member follows, never the size of the
site nor how much the followed wrote: each followed member's and tag's own index gives
their newest entries, as many as a page needs, and only those are read as articles.
What the member muted is left out while each one's newest are read, not afterwards: a
page of muted articles among the newest would otherwise take the page's places.
Each is asked on its own: LATERAL on PostgreSQL (its planner, expecting the followed to
write much, bet on walking the whole site's index newest first); on SQLite, which has
no LATERAL, the time of each one's oldest entry to read, found by a correlated subquery.
"""

import functools

from sqlalchemy import Integer, and_, bindparam, func, literal_column, select, true, union
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Article, Follow, TagFollow, article_tags
from . import mutes
from .listing import MAX_PAGE, PER_PAGE, Listed, newest_first
from .rows import joined_in_this_order, written_into_sql


def following(user, reach=MAX_PAGE * PER_PAGE + 1):
    """Articles by the members and tags `user` follows, newest first, without what they
    muted, as far as `reach` (a Listed).

    Only the first `reach` articles are right (a page reaches offset + per page + 1).
    The followed members' and tags' own indexes give their newest `reach` (index
    entries alone), and only those are read as articles: the cost follows how many
    they are and `reach`, never the whole site (the published index, walked until
    enough matched, read all of it for a member who follows quiet people).
    """
    first_page = reach == PER_PAGE + 1
    return Listed(_following_statement(db.engine.dialect.name, mutes.checks_mutes(user),
                                       first_page),
                  {"follower_id": user.id, "reach": reach})


# Written once per process, with the member and the reach as parameters: building it
# took longer than running it (0.8 ms a page).
FOLLOWER = bindparam("follower_id", type_=Integer)
REACH = bindparam("reach", type_=Integer)
# The first page's reach (the page most read, in the HTML and the API alike) and the
# count's cap are written into the SQL as numbers when it runs. As a parameter, PostgreSQL's
# plan for any reach hashed every entry of each followed tag for a member who mutes
# something (66 ms at 100,000 articles), so it made a plan for the reach it was given at
# every request instead (1 to 3 ms of the page's 4 to 5). Later pages keep a parameter,
# as the other lists' do (blog.domain.cards): one statement for all of them, so no
# walk through the pages fills the statement caches with one per page.
REACH_WRITTEN = written_into_sql("reach")
# Earlier than any time SQLite stores (as text): a member or tag with fewer than `reach`
# entries shows all of them.
_BEFORE_ANY = literal_column("''")
_ONE = written_into_sql("one", 1)


@functools.cache
def _following_statement(dialect, muting, first_page=False):
    reach = REACH_WRITTEN if first_page else REACH
    by_authors = _newest_by_followed_authors(FOLLOWER, reach, dialect, muting)
    by_tags = _newest_in_followed_tags(FOLLOWER, reach, dialect, muting)
    newest = union(select(by_authors.c.id), select(by_tags.c.article_id)).subquery()
    # Joined by key, and no test of the status here: none could lead to the site's index.
    return newest_first(select(Article).join(newest, newest.c.id == Article.id))


def _followed_members(follower_id, muting):
    """The conditions on Follow rows: the members `follower_id` follows (and, when
    `muting`, did not mute)."""
    followed = [Follow.follower_id == follower_id]
    if muting:
        followed.append(~mutes.by_muted_member(Follow.followed_id, follower_id))
    return followed


def _followed_tags(follower_id, muting):
    """The conditions on TagFollow rows, as _followed_members()."""
    followed = [TagFollow.user_id == follower_id]
    if muting:
        followed.append(~mutes.is_muted_tag(TagFollow.tag_id, follower_id))
    return followed


def _unmuted_by_member(article_id, follower_id, muting):
    """The conditions on an article of a followed member: none of its tags muted."""
    return [~mutes.with_muted_tag(article_id, follower_id)] if muting else []


def _unmuted_in_tag(article_id, follower_id, muting):
    """The conditions on an article of a followed tag: its author and its tags not muted."""
    if not muting:
        return []
    return [~mutes.with_muted_tag(article_id, follower_id),
            ~mutes.written_by_muted_member(article_id, follower_id)]


def _newest_by_followed_authors(follower_id, reach, dialect, muting):
    """The ids of the `reach` newest articles by the members `follower_id` follows (without
    what they muted, when `muting`)."""
    if dialect != "postgresql":
        # SQLite has no LATERAL. For each followed member, a subquery tied to them
        # (correlated) finds the publication time of their `reach`-th newest (unmuted) off
        # their own index; their articles from then on are then read off the same index alone,
        # newest first, with that time: never the table (whose rows a body of a few KB
        # pushes onto overflow pages, which reading the time after it walked: 0.8 ms a page
        # for a member following 13 prolific authors), nor more than `reach` of each.
        # In the order written (joined_in_this_order): left free, SQLite walked the whole
        # site's index newest first, testing each article's author.
        theirs, oldest = aliased(Article, name="theirs"), aliased(Article, name="oldest")
        shown_from = (
            select(oldest.published_at)
            .where(oldest.author_id == Follow.followed_id, oldest.status == "published",
                   *_unmuted_by_member(oldest.id, follower_id, muting))
            .order_by(oldest.published_at.desc(), oldest.id.desc())
            .limit(_ONE).offset(reach - 1)
            .correlate(Follow).scalar_subquery()
        )
        return (
            select(theirs.id, theirs.published_at)
            .select_from(joined_in_this_order(Follow, theirs, and_(
                theirs.author_id == Follow.followed_id, theirs.status == "published",
                theirs.published_at >= func.coalesce(shown_from, _BEFORE_ANY))))
            .where(*_followed_members(follower_id, muting),
                   *_unmuted_by_member(theirs.id, follower_id, muting))
            .order_by(theirs.published_at.desc(), theirs.id.desc())
            .limit(reach)
            .subquery()
        )
    # PostgreSQL bets on the site's index, or on reading every article, when it expects
    # the followed to write much; LATERAL leaves it one way: each one's newest on their
    # own index, `reach` at most.
    followed = select(Follow.followed_id).where(*_followed_members(follower_id, muting)).subquery()
    newest_of_each = (
        select(Article.id, Article.published_at)
        .where(Article.author_id == followed.c.followed_id, Article.status == "published",
               *_unmuted_by_member(Article.id, follower_id, muting))
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(reach)
        .lateral()
    )
    return (
        select(newest_of_each.c.id)
        .select_from(followed)
        .join(newest_of_each, true())
        .order_by(newest_of_each.c.published_at.desc(), newest_of_each.c.id.desc())
        .limit(reach)
        .subquery()
    )


def _newest_in_followed_tags(follower_id, reach, dialect, muting):
    """The ids (article_id) of the `reach` newest articles in the tags `follower_id` follows
    (without what they muted, when `muting`).

    Each one once (DISTINCT): an article in two followed tags is two rows of theirs, and
    counted twice it would take two of the `reach` places (21 articles in two followed
    tags showed as 11, with no next page).
    """
    if dialect != "postgresql":
        # As for the authors: from the time of each followed tag's `reach`-th newest entry,
        # its entries off its own index alone, the tag first.
        theirs, oldest = article_tags.alias("in_tag"), article_tags.alias("oldest_in_tag")
        shown_from = (
            select(oldest.c.published_at)
            .where(oldest.c.tag_id == TagFollow.tag_id, oldest.c.published_at.is_not(None),
                   *_unmuted_in_tag(oldest.c.article_id, follower_id, muting))
            .order_by(oldest.c.published_at.desc(), oldest.c.article_id.desc())
            .limit(_ONE).offset(reach - 1)
            .correlate(TagFollow).scalar_subquery()
        )
        return (
            select(theirs.c.article_id, theirs.c.published_at)
            .distinct()
            .select_from(joined_in_this_order(TagFollow, theirs, and_(
                theirs.c.tag_id == TagFollow.tag_id, theirs.c.published_at.is_not(None),
                theirs.c.published_at >= func.coalesce(shown_from, _BEFORE_ANY))))
            .where(*_followed_tags(follower_id, muting),
                   *_unmuted_in_tag(theirs.c.article_id, follower_id, muting))
            .order_by(theirs.c.published_at.desc(), theirs.c.article_id.desc())
            .limit(reach)
            .subquery()
        )
    newest = (article_tags.c.published_at.desc(), article_tags.c.article_id.desc())
    # As for the authors: PostgreSQL walked every tag use of the site newest first (240,000
    # on 100k articles, 150 ms) for a member who follows no tag at all.
    followed = select(TagFollow.tag_id).where(*_followed_tags(follower_id, muting)).subquery()
    newest_of_each = (
        select(article_tags.c.article_id, article_tags.c.published_at)
        .where(article_tags.c.tag_id == followed.c.tag_id,
               article_tags.c.published_at.is_not(None),
               *_unmuted_in_tag(article_tags.c.article_id, follower_id, muting))
        .order_by(*newest).limit(reach).lateral()
    )
    return (
        select(newest_of_each.c.article_id, newest_of_each.c.published_at)
        .distinct()
        .select_from(followed).join(newest_of_each, true())
        .order_by(newest_of_each.c.published_at.desc(), newest_of_each.c.article_id.desc())
        .limit(reach).subquery()
    )


def following_keys(user, at_most):
    """The ids of following(), for count(..., at_most): the followed members' and tags' own
    index entries, at most `at_most` of each, without what `user` muted (a Listed)."""
    return Listed(_following_keys_statement(db.engine.dialect.name, mutes.checks_mutes(user)),
                  {"follower_id": user.id, "reach": at_most})


@functools.cache
def _following_keys_statement(dialect, muting):
    # Its cap is one number (API_MAX_COUNT): written, as the first page's reach is.
    if dialect != "postgresql":
        # Counted, not shown, so in no order: SQLite reads the followed members' and tags'
        # index entries and stops at `reach` of each, where the ordered lists read them all
        # to sort them. Below `reach` each part is whole; past it the count is the cap.
        by_authors = (
            select(Article.id)
            .where(Article.author_id.in_(
                       select(Follow.followed_id).where(*_followed_members(FOLLOWER, muting))),
                   Article.status == "published",
                   *_unmuted_by_member(Article.id, FOLLOWER, muting))
            .limit(REACH_WRITTEN).subquery()
        )
        by_tags = (
            select(article_tags.c.article_id).distinct()
            .where(article_tags.c.tag_id.in_(
                       select(TagFollow.tag_id).where(*_followed_tags(FOLLOWER, muting))),
                   article_tags.c.published_at.is_not(None),
                   *_unmuted_in_tag(article_tags.c.article_id, FOLLOWER, muting))
            .limit(REACH_WRITTEN).subquery()
        )
    else:
        by_authors = _newest_by_followed_authors(FOLLOWER, REACH_WRITTEN, dialect, muting)
        by_tags = _newest_in_followed_tags(FOLLOWER, REACH_WRITTEN, dialect, muting)
    return union(select(by_authors.c.id), select(by_tags.c.article_id))
