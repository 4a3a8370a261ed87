"""Lists run on a plan PostgreSQL keeps, not one it makes again at every request.

psycopg prepares a statement once it has run five times on a connection; PostgreSQL
then plans it for any values (a generic plan, kept) unless it guesses that a plan for
these values is cheaper, and then plans it again at each run. blog.domain.cards writes
a whole-site list's LIMIT and OFFSET into the SQL as numbers for that reason, and keeps
them parameters for a list of one tag or member.

A tag's list is left out of the kept plans: in the crowd PostgreSQL plans it for its
tag at every run either way (a plan for any tag is priced above one for this tag),
about 0.8 ms a run, against 0.45 for Latest on its kept plan.
"""

import pytest
from sqlalchemy import text

from blog.domain import filtered_lists, listing
from blog.extensions import db
from helpers import count_queries
from plan_helpers import on_postgres

# Enough runs on one connection for psycopg to prepare the statement (after 5) and for
# PostgreSQL to have chosen between a kept plan and one per run (after 5 more).
RUNS = 14

# Named by the crowd's tag and member (tests/fixtures/crowd.py) on PostgreSQL.
LISTS = {
    "latest": lambda name: listing.latest(),
    "top of all time": lambda name: listing.top("all"),
    "a tag's": lambda name: filtered_lists.matching(tag=name),
    "an author's": lambda name: filtered_lists.matching(author=name),
}


def cards_statement(kind, name):
    """The SQL of the statement reading the first page of cards of list `kind`."""
    with count_queries() as statements:
        listing.article_page(LISTS[kind](name), None)
    return " ".join(statements[-1].split())


@pytest.fixture
def written(make_article, make_member):
    make_article(author=make_member("writer"), tags="python")


@pytest.mark.parametrize("kind", ["latest", "top of all time"])
def test_a_whole_site_list_writes_its_window_as_numbers(written, kind):
    assert "LIMIT 21 OFFSET 0" in cards_statement(kind, None)


@pytest.mark.parametrize("kind, name", [("a tag's", "python"), ("an author's", "writer")])
def test_a_list_of_one_tag_or_member_keeps_its_window_a_parameter(written, kind, name):
    sql = cards_statement(kind, name)
    assert "LIMIT 21" not in sql
    assert "card_limit" in sql or "LIMIT ?" in sql


@pytest.mark.parametrize("kind", ["latest", "top of all time", "an author's"])
def test_a_list_runs_on_a_kept_plan_once_prepared(app, crowd, kind):
    crowd()
    if not on_postgres():
        # SQLite compiles each statement from its text: there is no plan to keep. The
        # statement is at least the same text each time (sqlite3 keeps it compiled).
        assert cards_statement(kind, "crowd1") == cards_statement(kind, "crowd1")
        return
    connection = db.session.connection()  # one connection for every run and the question
    connection.exec_driver_sql("DEALLOCATE ALL")
    for _ in range(RUNS):
        listing.article_page(LISTS[kind]("crowd1"), None)
    plans = connection.execute(text(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
        " WHERE statement LIKE '%card_author%'")).all()
    assert len(plans) == 1
    generic, custom = plans[0]
    # Five runs plan for their values while PostgreSQL compares; the rest use the kept plan.
    assert generic >= RUNS - 10, (generic, custom)
    assert custom <= 5, (generic, custom)
