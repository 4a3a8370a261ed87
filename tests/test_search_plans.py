"""Search's plans (issue 15): an index behind the members tab, and article candidates found
by the index alone, phrases checked among them, on SQLite and on PostgreSQL in a crowd."""

import pytest
from sqlalchemy import text

from blog.domain import name_search, search, word_shares
from blog.domain.search_query import parse
from blog.extensions import db
from plan_helpers import on_postgres, scans_table


@pytest.fixture(autouse=True)
def shares_known(app):
    """The word shares search reads every few minutes, read already: the plans are the
    search's own statements'."""
    word_shares.forget()
    word_shares.shares()


def test_members_are_found_by_the_words_index(plans, make_member):
    make_member("ada_l", display_name="Ada Lovelace")
    [plan] = plans(lambda: name_search.members("lovelace"))
    assert not scans_table(plan, "users")
    if on_postgres():
        assert "Bitmap Index Scan on ix_users_name_words" in plan
        return
    assert "SCAN members_fts VIRTUAL TABLE INDEX" in plan


def test_a_phrase_is_looked_up_as_its_words_then_checked_among_the_candidates(
    plans, make_article
):
    make_article(title="Connection pooling explained")
    [plan, *_] = plans(lambda: search.articles('"connection pooling"'))
    assert not scans_table(plan, "articles")
    if on_postgres():
        # The index answers the words alone: no position to check in each row it finds.
        index_use = next(node for node in plan.split(" / ")
                         if "search_vector @@" in node and "Filter: anon" not in node)
        assert "connection'' & ''pooling" in index_use and "<->" not in index_use
        return
    assert "SCAN articles_fts VIRTUAL TABLE INDEX" in plan


def test_the_query_takes_phrases_apart_for_the_index():
    query = parse('"connection pooling" pool -"pool party"')
    assert [c.words for c in query.words] == [("connection",), ("pooling",), ("pool",)]
    assert [c.words for c in query.phrases] == [("connection", "pooling")]


def _plan_of_the_candidates(plans, crowd, words):
    """The ranking statement's plan for `words`, in a crowd of 10,000 articles ("Crowd n")
    where one in 20 also says "linux", after ANALYZE."""
    crowd()
    if on_postgres():
        # 150 words of 0.7 % each as well: with fewer words listed in its statistics,
        # PostgreSQL guesses any prefix's share.
        db.session.execute(text(
            "UPDATE articles SET body = body || ' word' || id % 150"
            " || CASE WHEN id % 20 = 0 THEN ' linux' ELSE '' END WHERE slug LIKE 'crowd-%'"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE articles"))
        word_shares.forget()  # statistics read before this ANALYZE are kept for minutes
        word_shares.shares()
    [plan, *_] = plans(lambda: search.articles(words))
    return plan


def test_a_word_in_few_articles_is_read_off_the_index(plans, crowd):
    # Walking the primary key newest first reads 20 rows for each one found, a sequential
    # scan every row (this one did, before: the planner prices a vector read as free).
    plan = _plan_of_the_candidates(plans, crowd, "linux")
    if on_postgres():
        assert "Bitmap Index Scan on ix_articles_search_vector" in plan, plan.replace(" / ", "\n")
        assert "Index Scan Backward using pk_articles" not in plan
    assert not scans_table(plan, "articles")


def test_a_word_in_most_articles_walks_the_newest_first(plans, crowd):
    # Every article says "crowd": the newest 1,000 are the first 1,000 rows read.
    plan = _plan_of_the_candidates(plans, crowd, "crowd")
    if on_postgres():
        assert "Index Scan Backward using pk_articles" in plan, plan.replace(" / ", "\n")
    assert not scans_table(plan, "articles")


def test_a_prefix_is_as_common_as_the_listed_words_it_starts():
    shares = word_shares.Shares(["lint", "linux", "the"], [0.01, 0.05, 1.0, 0.01, 1.0], 1000)
    assert shares.share(parse("lin").words[0]) == pytest.approx(0.06)
    assert shares.share(parse('"lin"').words[0]) == 0.01  # not listed: under the least listed
    assert shares.share(parse("t").words[0]) == 0.01  # one letter: a word, not a prefix
    assert shares.share(parse("th").words[0]) == 1.0
