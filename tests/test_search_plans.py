"""Search's plans (issue 15): an index behind the members tab, and article candidates found
by the index alone, phrases checked among them, on SQLite and on PostgreSQL in a crowd."""

import pytest

from blog.domain import name_search, search, word_shares
from blog.domain.search_query import parse
from plan_helpers import on_postgres, scans_table


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


def test_a_prefix_is_as_common_as_the_listed_words_it_starts():
    shares = word_shares.Shares(["lint", "linux", "the"], [0.01, 0.05, 1.0, 0.01, 1.0], 1000)
    assert shares.share(parse("lin").words[0]) == pytest.approx(0.06)
    assert shares.share(parse('"lin"').words[0]) == 0.01  # not listed: under the least listed
    assert shares.share(parse("t").words[0]) == 0.01  # one letter: a word, not a prefix
    assert shares.share(parse("th").words[0]) == 1.0
