"""Search (blog.domain.search): the same articles, members and tags on SQLite and PostgreSQL.

Run on both: plain, and with DATABASE_URL naming the PostgreSQL server. The
corpus below is small enough to read; the expected answers are written out, so
both databases are held to the same list.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from blog.domain import articles as article_rules
from blog.domain import moderation, name_search, search
from blog.domain.search_query import fts5, parse, tsquery
from blog.extensions import db
from blog.models import Article, utcnow

CORPUS = [
    # (slug-ish title, description, body, tags, days old)
    ("Gardening for beginners", "Start small", "Tomatoes like sun and water.", "garden", 40),
    ("Tomato soup", "A winter recipe", "Roast the tomatoes first, then blend.", "food", 10),
    ("Cooking with kids", "Tomatoes everywhere", "Let them wash vegetables.", "food", 5),
    ("Python generators", "Lazy sequences", "A generator yields one value at a time.", "python",
     3),
    ("Rust ownership", "Borrowing rules", "The borrow checker is your friend.", "rust", 1),
    ("Café culture", "Espresso notes", "Ordering a café au lait in Paris.", "food", 2),
]


def titles(results):
    return [hit.article.title for hit in results.hits]


@pytest.fixture
def corpus(app, make_member, make_article):
    """The articles above, published the given number of days ago, by ana and bob."""
    ana = make_member("ana", display_name="Ana Lovelace")
    bob = make_member("bob", display_name="Bobby Tables")
    made = {}
    for n, (title, description, body, tags, days) in enumerate(CORPUS):
        article = make_article(author=(ana, bob)[n % 2], title=title, description=description,
                               body=body, tags=tags)
        article.published_at = utcnow() - timedelta(days=days)
        made[title] = article
    db.session.commit()
    return made


def test_a_word_in_the_title_outranks_the_description_and_the_body(corpus):
    # "tomato" is in one title, one description and one body; bare words match prefixes.
    assert titles(search.articles("tomato")) == [
        "Tomato soup", "Cooking with kids", "Gardening for beginners",
    ]


def test_every_word_must_appear(corpus):
    assert titles(search.articles("tomatoes roast")) == ["Tomato soup"]
    assert titles(search.articles("tomatoes python")) == []


def test_quoted_phrases_match_words_side_by_side_and_exactly(corpus):
    assert titles(search.articles('"borrow checker"')) == ["Rust ownership"]
    assert titles(search.articles('"checker borrow"')) == []
    assert titles(search.articles('"tomato"')) == ["Tomato soup"]  # no prefix in quotes


def test_minus_leaves_articles_out(corpus):
    assert titles(search.articles("tomatoes -kids -roast")) == ["Gardening for beginners"]
    assert titles(search.articles('tomatoes -"first, then"')) == ["Cooking with kids",
                                                                  "Gardening for beginners"]
    assert titles(search.articles("-tomatoes")) == []  # nothing left to look for


def test_a_hash_tag_filters_and_alone_lists_the_tag(corpus):
    # Description (Cooking) over body (Tomato soup: "tomato" is shorter than "tomatoes").
    assert titles(search.articles("tomatoes #food")) == ["Cooking with kids", "Tomato soup"]
    # Without words: the tag's articles, newest first.
    assert titles(search.articles("#food")) == ["Café culture", "Cooking with kids",
                                                "Tomato soup"]
    assert titles(search.articles("#nosuchtag")) == []


def test_filters_by_tag_and_author(corpus):
    assert titles(search.articles("tomatoes", tag="garden")) == ["Gardening for beginners"]
    assert titles(search.articles("tomatoes", author="BOB")) == ["Tomato soup"]
    assert titles(search.articles("tomatoes", author="nobody")) == []


def test_words_with_accents_and_in_any_case(corpus):
    assert titles(search.articles("CAFÉ")) == ["Café culture"]
    assert titles(search.articles("cafe")) == []  # accents are kept, on both engines


def test_drafts_hidden_articles_and_banned_authors_are_not_found(corpus, make_member):
    soup = corpus["Tomato soup"]
    article_rules.update_article(soup, soup.author, soup.title, soup.description, soup.body,
                                 "food", "", publish=False)
    assert "Tomato soup" not in titles(search.articles("tomatoes"))
    kids = corpus["Cooking with kids"]
    moderator = make_member("mo", role="moderator")
    moderation.hide(moderator, "article", kids, "Off topic.")
    assert titles(search.articles("tomatoes")) == ["Gardening for beginners"]
    moderation.ban(moderator, corpus["Gardening for beginners"].author, "Spam.")
    assert titles(search.articles("tomatoes")) == []


def test_edits_are_searchable_at_once(corpus):
    rust = corpus["Rust ownership"]
    article_rules.update_article(rust, rust.author, "Rust lifetimes", rust.description,
                                 "Lifetimes annotate references.", "rust", "", publish=True)
    assert titles(search.articles("lifetimes")) == ["Rust lifetimes"]
    assert titles(search.articles("checker")) == []


def test_the_recency_nudge_breaks_even_matches(app, make_article):
    old = make_article(title="Kettle review", body="Same words.")
    new = make_article(title="Kettle review again", body="Same words.")
    old.published_at = utcnow() - timedelta(days=400)
    db.session.commit()
    assert titles(search.articles("same words")) == [new.title, old.title]


def test_the_count_says_how_many_were_found(corpus):
    assert search.articles("tomatoes").count == "3"
    assert search.articles("tomatoes -kids").count == "2"
    assert search.articles('"borrow checker"').count == "1"
    assert search.articles("nothing").count is None and search.articles("#food").count is None


@pytest.fixture
def two_candidates(corpus, monkeypatch):
    """Only the newest two articles with the words are candidates (CANDIDATES is 1,000)."""
    monkeypatch.setattr(search, "CANDIDATES", 2)
    return corpus


def test_only_the_newest_candidates_are_ranked_and_the_count_says_there_are_more(
    two_candidates,
):
    # Newest by id: "Cooking with kids" (the description) and "Tomato soup" (a body word);
    # "Gardening for beginners", the oldest, is not a candidate.
    found = search.articles("tomatoes")
    assert titles(found) == ["Cooking with kids", "Tomato soup"] and found.count == "2+"


def test_phrases_and_excluded_words_are_checked_on_the_candidates(
    two_candidates, make_article, monkeypatch
):
    # Candidates have a phrase's words anywhere; then it must be there, side by side.
    make_article(title="Like rain, tomatoes grow")
    make_article(title="Tomatoes? I like them")
    assert titles(search.articles('"tomatoes like"')) == []  # the newest two lack it
    monkeypatch.setattr(search, "CANDIDATES", 3)
    assert titles(search.articles('"tomatoes like"')) == ["Gardening for beginners"]
    # The newest three with "tomatoes" are the two above and Cooking; -kids leaves two,
    # and says more may exist: Tomato soup is never looked at.
    found = search.articles("tomatoes -kids")
    assert titles(found) == ["Tomatoes? I like them", "Like rain, tomatoes grow"]
    assert found.count == "2+"


HOSTILE = [
    '"', '""', '"unclosed phrase', "-", "--", "*", "AND", "OR NOT", "NEAR(a b)", "a OR",
    "(", ")", "title:x", "{title}: x", "^x", "x:*", "'", "''", "\\", "!x", "x & y | z",
    "<->", "#", "##", "#-", "-#food", "💥🙂", "\x00\x01", "x" * 5000, "tomato " * 400,
    "a" * 61, "ü" * 70, "١٢٣", "中文", "e\u0301", "\u202e", "%", "_", "%_%",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_whatever_is_typed_never_errors(corpus, text):
    search.articles(text)
    name_search.members(text)
    name_search.tags(text)
    query = parse(text)
    for clauses in (query.required, query.excluded):
        # The only quotes are ours: around each clause (FTS5), around each word (PostgreSQL).
        assert fts5(clauses).count('"') == 2 * len(clauses)
        assert tsquery(clauses).count("'") == 2 * sum(len(c.words) for c in clauses)


def test_snippets_are_escaped_and_marked(app, make_article):
    make_article(title="<b>Bold</b> & tomatoes",
                 body="Intro. <script>alert(1)</script> tomatoes & <img src=x onerror=y>")
    (hit,) = search.articles("tomatoes").hits
    assert str(hit.title) == "&lt;b&gt;Bold&lt;/b&gt; &amp; <mark>tomatoes</mark>"
    assert "<script>" not in str(hit.snippet) and "&lt;script&gt;" in str(hit.snippet)
    assert "<mark>tomatoes</mark> &amp; &lt;img" in str(hit.snippet)


def test_members_by_the_start_of_any_word_of_username_or_display_name(corpus, make_member):
    make_member("anabel", display_name="Zed")
    make_member("zoe", display_name="anastasia")
    make_member("ban", display_name="Ana banned")
    make_member("grace_h", display_name="Grace Hopper-Lovelace")
    moderation.ban(make_member("mo2", role="moderator"), fresh_user("ban"), "Spam.")
    assert [u.username for u in name_search.members("ana").items] == ["ana", "anabel", "zoe"]
    assert [u.username for u in name_search.members("@Bobby t").items] == ["bob"]
    # A word inside a name, in any case; every word typed must start one.
    assert [u.username for u in name_search.members("lovelace").items] == ["ana", "grace_h"]
    assert [u.username for u in name_search.members("LOVE ana").items] == ["ana"]
    assert [u.username for u in name_search.members("hopp").items] == ["grace_h"]
    assert [u.username for u in name_search.members("h").items] == ["grace_h"]  # @grace_h
    assert name_search.members("velace").items == []  # the start of a word, not its middle
    # One who still waits for the admins' approval is not listed either.
    waiting = make_member("anaw")
    waiting.awaiting_approval = True
    db.session.commit()
    assert [u.username for u in name_search.members("ana").items] == ["ana", "anabel", "zoe"]
    assert name_search.members("%").items == [] and name_search.members("").items == []


def test_renamed_and_deleted_members_are_found_by_their_new_names(corpus, make_member):
    ana = fresh_user("ana")
    ana.display_name = "Ada Byron"
    db.session.commit()
    assert [u.username for u in name_search.members("byron").items] == ["ana"]
    assert name_search.members("lovelace").items == []
    make_member("gone", display_name="Byron Gone")
    db.session.delete(fresh_user("gone"))
    db.session.commit()
    assert [u.username for u in name_search.members("byron").items] == ["ana"]


def test_tags_by_the_start_of_their_name(corpus):
    assert [t.name for t in name_search.tags("#FO").items] == ["food"]
    assert [t.name for t in name_search.tags("r").items] == ["rust"]
    assert name_search.tags("_").items == []


def test_reindex_builds_the_same_index_again(corpus):
    before = titles(search.articles("tomatoes"))
    done = sum(search.reindex(batch=2))
    assert done == search.reindex_size()
    assert titles(search.articles("tomatoes")) == before


def fresh_user(username):
    from blog.models import User
    return db.session.scalar(select(User).where(User.username == username))


def test_the_article_model_has_no_search_column():
    # The index is the migration's: loading articles never reads the vectors.
    assert "search_vector" not in Article.__table__.c


def test_the_reindex_command_shows_progress_and_keeps_answers(app, corpus):
    before = titles(search.articles("tomatoes"))
    result = app.test_cli_runner().invoke(args=["search-reindex", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "Indexed 6 articles." in result.output
    assert titles(search.articles("tomatoes")) == before


def test_one_letter_is_a_word_not_a_prefix():
    (clause,) = parse("a").required
    assert not clause.prefix and parse("ab").required[0].prefix


def test_highlights_mark_whole_words_and_prefixes_in_any_case():
    from blog.domain.snippets import highlight
    marked = str(highlight("Tomatoes, TOMATO and atomato; tom's", parse('tomato "tom"')))
    assert marked == ("<mark>Tomatoes</mark>, <mark>TOMATO</mark> and atomato; "
                      "<mark>tom</mark>&#39;s")
