"""The comments section of an article's page: drawn for this reader, or shared.

A member's page is never kept whole (their name, their marks, their tokens), but most
of a discussion's page is its comments, and most members see those alike, but for
their own comments: all but moderators, members who mute a member or a tag, and
members who may not comment. So the section
for such plain members is drawn once and kept (in this process's memory), each comment
drawn twice in it: as the others see it, and as its author does (Edit, Delete, their
own hidden ones); each page puts in the comments as its reader sees them
(fragments.CommentSlots). Its forms' CSRF tokens are holes (fragments.CSRF_HOLE, this
process's own), filled per page. It is kept as a visitor's page is: under the page
cache's content clock, which any change to comments, articles or members moves, and
for PAGE_CACHE_SECONDS at most, checked against the article's comment changes; an
author's own comments are checked against the database (fragments.still_true_for).
With the page cache off, nothing is kept."""

import time
from typing import NamedTuple

from flask import current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup

from ..domain import mutes, permissions, threads
from ..web import fragments, page_cache
from ..web.urls import MAX_ROW_ID
from .comment_forms import SectionForms


def row_id_arg(name):
    """?name= as a row id, or None when absent or not one (never an error)."""
    value = request.args.get(name, type=int)
    return value if value is not None and 1 <= value <= MAX_ROW_ID else None


def comments_shown(article, place):
    """The comments this page shows (`place` is paging_place()'s): a page of threads, or
    one thread (?thread=) on its own.

    ?comments_from= is where a page of threads starts (the "Show more
    comments" link); ?replies_from= where one thread's replies do.
    """
    config = current_app.config
    if place.thread:
        return threads.one_thread(article, place.thread, place.replies_from,
                                  replies_shown=config["COMMENT_REPLIES_PER_PAGE"])
    return threads.page_of_threads(article, place.comments_from,
                                   per_page=config["COMMENT_THREADS_PER_PAGE"],
                                   replies_shown=config["COMMENT_REPLIES_SHOWN"])


class Place(NamedTuple):
    """Which comments a page shows, from its address (None: not asked, or not a row id)."""

    thread: int | None
    replies_from: int | None
    comments_from: int | None


def paging_place():
    """This request's Place."""
    return Place(row_id_arg("thread"), row_id_arg("replies_from"), row_id_arg("comments_from"))


# A discussion's first page is 10 to 150 KB of markup: kept apart from the cards and
# comments (blog.web.fragments), one per page of comments, the newest replacing the old.
_sections = fragments.Shelf(entries=256, characters=4_000_000)


def sharing_clock(reader):
    """The page cache's content clock, read now, when `reader` may be given the section
    as every plain member sees it; else None. Read before the article: what is read
    after it is then at least as new as the clock says."""
    if (not reader.is_authenticated or mutes.checks_mutes(reader)
            or not permissions.may_write(reader) or permissions.may_moderate(reader)
            # The flow inspector's story lists the rules each comment asks.
            or "flow_ring" in current_app.extensions):
        return None
    return page_cache.content_clock()


class SharedReader(NamedTuple):
    """A member the section is shared with, as the rules see them (sharing_clock()): they
    may write, moderate nothing and mute nobody. `id`: the author of the comment drawn,
    or 0 (no row's id) for a member who did not write it."""

    id: int
    is_authenticated: bool = True
    is_verified: bool = True
    is_moderator: bool = False
    is_admin: bool = False
    is_banned: bool = False
    suspended_until: None = None


def _shared_reader(author_id):
    return SharedReader(author_id or 0)


def comment_section(article, comment_form=None, clock=None):
    """The section's markup for this reader, tokens filled in. `comment_form` brings a
    refused comment back with its error (never shared); `clock` is sharing_clock()'s,
    read before `article` was (without it, nothing is shared)."""
    place, seconds = paging_place(), current_app.config["PAGE_CACHE_SECONDS"]
    if not (comment_form is None and clock is not None and seconds > 0
            and article.is_published):
        return _filled(_drawn(article, comment_form, place))
    key = (request.script_root, article.id, *place)
    # As fresh as a kept page: while nothing changed, for PAGE_CACHE_SECONDS at most. And
    # the article's comment changes: another process's clock (PAGE_CACHE_URL memory://)
    # does not move with this one's, but a comment added or deleted there moves them.
    stamp = (clock, int(time.time() // seconds), article.comments_changes)
    reader = current_user._get_current_object()
    kept = _sections.get(key)
    face = (reader.image_url, reader.username, reader.name)  # as SlotComment.face
    if kept is None or kept[0] != stamp or not fragments.still_true_for(reader.id, face, kept[2]):
        slots = fragments.CommentSlots(_shared_reader)
        pieces, comments = slots.kept(_drawn(article, None, place, slots))
        kept = (stamp, pieces, comments)
        # Never one with a form drawn with this member's own token, not a hole.
        token = fragments.page_csrf_token()
        if not any(token in text for c in comments for text in (c.others, c.own)) and not any(
                token in piece for piece in pieces):
            _sections.put(key, kept, sum(map(len, pieces)) + sum(
                len(c.others) + len(c.own) for c in comments))
    return _filled(fragments.fill(kept[1], kept[2], reader.id))


def _drawn(article, comment_form, place, slots=None):
    """The section drawn for this reader (with `slots`: for every plain member), its
    tokens still holes."""
    comment_page = comments_shown(article, place)
    authors = {comment.author_id for thread in comment_page.threads
               for comment in (thread.comment, *thread.replies)}
    may_comment = permissions.can_comment(current_user, article)
    return render_template(
        "comment/_section.html",
        article=article,
        threads=comment_page.threads,
        # Their comments show folded, behind a "Show" the reader may open.
        muted_author_ids=mutes.muted_among(current_user, authors),
        next_thread_id=comment_page.next_thread_id,
        single_thread=place.thread,
        replies_from=place.replies_from,
        later_page=place.comments_from,
        # Only for those who may comment: a form's CSRF token would start a
        # session, and a visitor's page must stay the same for every visitor.
        comment_forms=SectionForms.around(comment_form, comment_page.threads)
        if may_comment else None,
        can_comment=permissions.can_comment,
        comment_slots=slots,
    )


def _filled(markup):
    # What render_template drew (autoescaped), kept as text: Markup again to be shown as is.
    markup = Markup(markup)  # noqa: S704
    # A visitor's section holds no form, so no hole: asking for a token would start a
    # session, and their page must stay the same for every visitor.
    return fragments.with_csrf(markup) if current_user.is_authenticated else markup
