"""A member's own dashboard: their drafts and published articles, with what readers did.

Fixed cost per page: one statement for the page of articles (on the author's
index, (author_id, status, published_at)), one for their tags and one for the
bookmarks of the page's articles. Likes and comments are the articles' own
counters; bookmarks have none, so they are counted for the page's 20 ids at
once on the bookmarks' article_id index, never one COUNT per article.
"""

import functools
from dataclasses import dataclass, field

from sqlalchemy import Integer, bindparam, func, literal_column, select
from sqlalchemy.orm import defer

from ..extensions import db
from ..models import Article, Bookmark
from . import listing, notification_pages

TABS = ("drafts", "published")

# The header's numbers (drafts, and the bell's unread notifications) stop counting past
# this: "99+" says enough, and a page's cost does not follow how many there are.
HEADER_CAP = notification_pages.BELL_CAP


@dataclass
class Dashboard:
    """One page of a tab of the dashboard, and the bookmarks of each article on it."""

    tab: str
    page: listing.Page
    bookmarks: dict = field(default_factory=dict)


def _drafts(author):
    """The author's drafts and the articles the moderators hid, last saved first.

    A member's drafts are read on their own index entries (author_id, 'draft')
    and sorted: a number that follows what they keep unpublished, not the site.
    """
    return (
        select(Article)
        .where(Article.author_id == author.id, Article.status == "draft")
        .order_by(Article.updated_at.desc(), Article.id.desc())
    )


def dashboard(author, tab, number):
    """Page `number` of the author's drafts or published articles (`tab`, one of TABS)."""
    tab = tab if tab in TABS else TABS[0]
    if tab == "drafts":
        statement = _drafts(author)
    else:
        published = listing.by_author(author)
        statement = published.statement.params(published.parameters)
    statement = statement.options(defer(Article.body), defer(Article.body_html))
    page = listing.paginate(statement, listing.page_number(number))
    listing.with_tags(page.items)
    return Dashboard(tab=tab, page=page, bookmarks=bookmark_counts(page.items))


def bookmark_counts(articles):
    """{article id: how many members bookmarked it} for `articles`: one statement."""
    ids = [article.id for article in articles]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Bookmark.article_id, func.count())
        .where(Bookmark.article_id.in_(ids))
        .group_by(Bookmark.article_id)
    )
    return dict(rows.all())


def drafts_count_query(author_id):
    """SQL: the menu's number of drafts of the member `author_id` (an id, or a bound
    parameter), at most HEADER_CAP + 1; those the moderators hid are not counted."""
    # 'draft' is written into the SQL: every page of a member's reads this count with
    # their session, and with a parameter PostgreSQL priced a plan kept for any status
    # as if half an author's articles were drafts, so it planned that statement again
    # at every request (1.1 ms, against 0.4 on the kept plan, at 100,000 articles).
    # Counted up to the cap, as the bell is: the menu shows "99+" beyond it, and every
    # page of a member who keeps hundreds of drafts stays as cheap as anyone's.
    drafts = (
        select(Article.id)
        .where(
            Article.author_id == author_id,
            Article.status == literal_column("'draft'"),
            Article.hidden_at.is_(None),
        )
        .limit(literal_column(str(HEADER_CAP + 1), Integer))  # a number, as 'draft' is
        .subquery()
    )
    return select(func.count()).select_from(drafts)


def header_count_columns(member_id):
    """SQL: (unread notifications, drafts) of the member `member_id` (an SQL value), as
    header_counts() reads them; a page's session is resumed with them
    (blog.web.login), so they cost no statement of their own."""
    return (notification_pages.unread_count_query(member_id).scalar_subquery(),
            drafts_count_query(member_id).scalar_subquery())


@functools.cache
def _header_counts_statement():
    # Built once: putting this SQL together took longer than the database took to answer it.
    return select(*header_count_columns(bindparam("member_id", type_=Integer)))


def header_counts(member):
    """(unread notifications, drafts) of `member`, for the numbers every page of theirs
    shows in its header: one statement for both."""
    unread, drafts = db.session.execute(_header_counts_statement(),
                                        {"member_id": member.id}).one()
    return unread, drafts
