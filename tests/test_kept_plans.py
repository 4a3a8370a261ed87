"""The first page of the site's lists and of a tag's runs on a plan PostgreSQL keeps,
not one made at each request.

psycopg prepares a statement once it has run five times on a connection; PostgreSQL
then plans it for any values (a generic plan, kept) unless it guesses that a plan for
these values is cheaper, and then plans it again at every run. So the first page of
Latest, the Top tabs, the API's whole list, a tag's page and the API's list of a tag
is written with its LIMIT, OFFSET (blog.domain.cards), status and tag (blog.domain.listing,
blog.domain.filtered_lists) as values in
the SQL; later pages and other lists keep their window a parameter: one statement for
every page.
"""

import re

import pytest
from sqlalchemy import text

from blog.domain import (
    filtered_lists,
    following_feed,
    follows,
    listing,
    mutes,
    search,
    trending,
)
from blog.extensions import db
from helpers import count_queries
from plan_helpers import on_postgres

# Enough runs on one connection for psycopg to prepare the statement (after 5) and for
# PostgreSQL to have chosen between a kept plan and one per run (after 5 more).
RUNS = 14

KEPT = {
    "latest": lambda tag: listing.latest(),
    "top of all time": lambda tag: listing.top("all"),
    "top of the week": lambda tag: listing.top("week"),
    "top of the month": lambda tag: listing.top("month"),
    "top of the year": lambda tag: listing.top("year"),
    "the API's list": lambda tag: filtered_lists.matching(),
    "a tag's page": lambda tag: listing.tagged(listing.tag_named(tag)),
    "the API's list of a tag": lambda tag: filtered_lists.matching(tag=tag.upper()),
}


def cards_sql(read_page):
    """The SQL of the statement that read the cards of `read_page()`, on one line."""
    with count_queries() as statements:
        read_page()
    return " ".join(next(s for s in reversed(statements) if "card_author" in s).split())


def assert_runs_on_a_kept_plan(run, statement_like):
    """`run()` RUNS times on one connection, then PostgreSQL's account of the prepared
    statement whose SQL is LIKE `statement_like`: its plan was kept, not made per run."""
    connection = db.session.connection()  # one connection for every run and the question
    connection.exec_driver_sql("DEALLOCATE ALL")
    for _ in range(RUNS):
        run()
    plans = connection.execute(text(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
        " WHERE statement LIKE :like"), {"like": statement_like}).all()
    assert len(plans) == 1
    generic, custom = plans[0]
    # Five runs plan for their values while PostgreSQL compares; the rest use the kept plan.
    assert generic >= RUNS - 10, (generic, custom)
    assert custom <= 5, (generic, custom)


@pytest.fixture
def written(make_article, make_member):
    make_article(author=make_member("writer"), tags="python")


@pytest.mark.parametrize("kind", list(KEPT))
def test_the_first_page_of_a_kept_list_writes_its_window_as_numbers(written, kind):
    sql = cards_sql(lambda: listing.article_page(KEPT[kind]("python"), None))
    assert "LIMIT 21 OFFSET 0" in sql
    # A period's Top reads scored articles alone, all published (blog.domain.ranking).
    assert "status = 'published'" in sql or kind.startswith("top of the")


@pytest.mark.parametrize("read_page", [
    lambda: listing.article_page(listing.latest(), None, number=2),
    lambda: listing.article_page(listing.top("all"), None, number=3),
    lambda: listing.article_page(filtered_lists.matching(), None, offset=20),
    lambda: listing.article_page(filtered_lists.matching(tag="python", author="writer"), None),
    lambda: listing.article_page(listing.tagged(listing.tag_named("python")), None, number=2),
    lambda: listing.article_page(filtered_lists.matching(author="writer"), None),
    lambda: search.articles("", tag="python"),
    lambda: search.articles("", author="writer"),
], ids=["latest, page 2", "top, page 3", "API, offset 20", "the API's tag and author list",
        "a tag's page 2", "an author's",
        "search by tag", "search by author"])
def test_later_pages_and_narrower_lists_keep_their_window_a_parameter(written, read_page):
    sql = cards_sql(read_page)
    assert "card_limit" in sql or "LIMIT ? OFFSET ?" in sql, sql


def test_every_later_page_runs_the_same_statement(written):
    """So a crawler walking the pages adds no statement to any cache, sqlite3's or
    psycopg's (they keep a statement by its text)."""
    pages = {cards_sql(lambda n=n: listing.article_page(listing.latest(), None, number=n))
             for n in (2, 3, 40)}
    assert len(pages) == 1


@pytest.mark.parametrize("kind", list(KEPT))
def test_a_kept_list_runs_on_a_kept_plan_once_prepared(app, crowd, make_article, kind):
    crowd()
    if not on_postgres():
        # sqlite3 keeps a connection's compiled statements by their text: each request
        # for the first page finds the one the last request compiled.
        make_article(tags="crowd1")  # the crowd's tag, made on PostgreSQL only
        first = {cards_sql(lambda: listing.article_page(KEPT[kind]("crowd1"), None))
                 for _ in range(3)}
        assert len(first) == 1 and "LIMIT 21 OFFSET 0" in first.pop()
        return
    assert_runs_on_a_kept_plan(lambda: listing.article_page(KEPT[kind]("crowd1"), None),
                               "%card_author%")


def test_a_members_session_writes_the_status_of_drafts_as_a_value(app, make_member):
    """Every page of a member's starts with their session, read with the numbers of their
    header (blog.web.login), their drafts among them. With the status a parameter,
    PostgreSQL planned that statement again at every request for the demo's first member
    (4,181 articles, 105 drafts, on 100,000): 1.1 ms, against 0.4 on a kept plan. The
    crowd's members do not lead its planner there, so the SQL itself is checked."""
    from blog.domain import dashboard, sessions

    member = make_member("writer")
    token = sessions.start_session(member)
    with count_queries() as statements:
        resumed = sessions.resume_session(token, also=dashboard.header_count_columns)
    assert resumed.id == member.id
    assert "articles.status = 'draft'" in " ".join(statements[0].split())


@pytest.mark.parametrize("muting", [False, True], ids=["mutes nothing", "mutes a tag and a member"])
def test_a_members_following_feed_runs_on_a_kept_plan_once_prepared(app, crowd, make_member,
                                                                   make_article, muting):
    """How many of each followed member's and tag's newest its first page reads is written
    as a number. As a parameter, PostgreSQL's plan for any number hashed every entry of
    each followed tag for a member who mutes something (66 ms at 100,000 articles, against
    1 ms planned for 21), so it planned the feed again at every request (0 kept plans in
    15 runs). The crowd's tags are too small for that (a kept plan either way): the SQL
    tells."""
    reader, author, other = make_member("reader"), make_member("author"), make_member("other")
    make_article(author=author, tags="python history")
    make_article(author=author, tags="python")
    make_article(author=other, tags="python")
    crowd()
    follows.follow(reader, author)
    follows.follow_tag(reader, listing.tag_named("python"))
    if muting:
        mutes.mute(reader, other)
        mutes.mute_tag(reader, listing.tag_named("history"))
    reader.mutes_nothing = not muting

    def first_page():
        return listing.article_page(following_feed.following(reader, listing.PER_PAGE + 1),
                                    reader)

    assert len(first_page().items) == (1 if muting else 3)
    # Every limit of its parts is written (21); only the cards' window is a parameter.
    written = cards_sql(first_page)
    assert f"LIMIT {listing.PER_PAGE + 1}" in written
    assert len(re.findall(r"LIMIT (?:\?|%\()", written)) == 1, written
    # A later page keeps it a parameter, as the other lists do: one statement for all.
    later = cards_sql(lambda: listing.article_page(
        following_feed.following(reader, 2 * listing.PER_PAGE + 1), reader, 2))
    assert f"LIMIT {2 * listing.PER_PAGE + 1}" not in later
    assert len(re.findall(r"LIMIT (?:\?|%\()", later)) > 1, later
    if not on_postgres():
        return
    assert_runs_on_a_kept_plan(first_page, "%card_author%")


def test_the_popular_tags_run_on_a_kept_plan_once_prepared(app, crowd, make_article):
    """GET /api/tags counts the latest uses, as many as POPULAR_TAGS_SAMPLE: that number is
    written into the SQL. As a parameter, PostgreSQL planned the statement again at every
    request (0 kept plans in 20 runs at 100,000 articles)."""
    make_article(tags="python")
    crowd()
    with count_queries() as statements:
        assert "python" in trending.popular_tags()
    assert f"LIMIT {trending.POPULAR_TAGS_SAMPLE}" in " ".join(statements[-1].split())
    if not on_postgres():
        return
    assert_runs_on_a_kept_plan(trending.popular_tags, "%article_tags%")
