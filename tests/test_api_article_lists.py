"""The API's lists of articles: order, paging, filters, flags, the feed, and tags."""

import pytest
import test_api_articles
from test_api_articles import slugs

from helpers import api_errors, count_queries
from page_helpers import set_published_at

author = test_api_articles.author  # the fixture, shared with the articles one at a time


# --- lists -------------------------------------------------------------------------------------


@pytest.fixture
def three(api, author, api_member, make_article):
    """Three articles, oldest first: two by jake (one tagged dragons), one by ana."""
    ana, _ = api_member("ana")
    first = make_article(author=author[0], title="First", tags="dragons")
    second = make_article(author=ana, title="Second", tags="cats")
    third = make_article(author=author[0], title="Third")
    for days_ago, article in zip((3, 2, 1), (first, second, third), strict=True):
        from datetime import timedelta

        from blog.models import utcnow

        set_published_at(article, utcnow() - timedelta(days=days_ago))
    return first, second, third


def test_list_is_newest_first_with_the_total_count(api, three):
    response = api.get("/api/articles")
    assert slugs(response) == ["third", "second", "first"]
    assert response.get_json()["articlesCount"] == 3
    assert "body" not in response.get_json()["articles"][0]


def test_lists_are_in_the_order_of_the_createdat_they_show(api, author, make_article):
    from datetime import timedelta

    from blog.models import utcnow

    drafted_first = make_article(author=author[0], title="Drafted first")
    make_article(author=author[0], title="Written second")
    set_published_at(drafted_first, utcnow() + timedelta(minutes=1))  # published last
    articles = api.get("/api/articles").get_json()["articles"]
    assert [a["slug"] for a in articles] == ["drafted-first", "written-second"]
    assert articles[0]["createdAt"] > articles[1]["createdAt"]


def test_limit_and_offset_page_through_while_the_count_stays_the_total(api, three):
    response = api.get("/api/articles?limit=1&offset=1")
    assert slugs(response) == ["second"]
    assert response.get_json()["articlesCount"] == 3
    assert slugs(api.get("/api/articles?offset=3")) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tag=dragons", ["first"]),
        ("tag=DRAGONS", ["first"]),
        ("author=jake", ["third", "first"]),
        ("author=JAKE&tag=dragons", ["first"]),
        ("author=nobody", []),
        ("tag=nothing", []),
        ("unknown=1&tag=cats", ["second"]),
        ("tag=&author=&favorited=", ["third", "second", "first"]),
    ],
)
def test_filters(api, three, query, expected):
    response = api.get(f"/api/articles?{query}")
    assert slugs(response) == expected
    assert response.get_json()["articlesCount"] == len(expected)


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=abc", "limit"), ("offset=-1", "offset"), ("offset=x", "offset"),
     ("offset=10001", "offset")],
)
def test_unusable_limit_or_offset_is_a_422(api, query, field):
    assert list(api_errors(api.get(f"/api/articles?{query}"), 422)) == [field]


def test_limit_is_capped(api, app, three):
    app.config["API_MAX_LIMIT"] = 2
    response = api.get("/api/articles?limit=1000")
    assert slugs(response) == ["third", "second"]
    assert response.get_json()["articlesCount"] == 3


def test_favorited_filter_and_flags_are_the_askers(api, three, api_member):
    first, second, third = three
    _, reader = api_member("reader")
    api.post("/api/articles/second/favorite", token=reader)
    assert slugs(api.get("/api/articles?favorited=reader")) == ["second"]
    flags = {
        a["slug"]: (a["favorited"], a["favoritesCount"])
        for a in api.get("/api/articles", token=reader).get_json()["articles"]
    }
    assert flags == {"first": (False, 0), "second": (True, 1), "third": (False, 0)}
    anonymous = api.get("/api/articles").get_json()["articles"]
    assert [a["favorited"] for a in anonymous] == [False, False, False]


def test_following_flags_in_lists(api, three, api_member):
    _, reader = api_member("reader")
    api.post("/api/profiles/ana/follow", token=reader)
    following = {
        a["slug"]: a["author"]["following"]
        for a in api.get("/api/articles", token=reader).get_json()["articles"]
    }
    assert following == {"first": False, "second": True, "third": False}
    assert all(type(flag) is bool for flag in following.values())  # JSON true/false, not 1/0


def test_feed_shows_articles_of_followed_members(api, three, api_member):
    _, reader = api_member("reader")
    assert api_errors(api.get("/api/articles/feed"), 401)
    assert slugs(api.get("/api/articles/feed", token=reader)) == []
    api.post("/api/profiles/jake/follow", token=reader)
    response = api.get("/api/articles/feed", token=reader)
    assert slugs(response) == ["third", "first"]
    assert response.get_json()["articlesCount"] == 2
    assert all(a["author"]["following"] for a in response.get_json()["articles"])


def test_the_feed_gives_and_counts_an_article_in_two_followed_tags_once(
    api, api_member, make_member, make_article
):
    from blog.domain import follows
    from blog.domain.listing import tag_named

    reader, token = api_member("reader")
    stranger = make_member("stranger")
    for n in range(1, 4):
        make_article(author=stranger, title=f"Both {n}", tags="python web")
    follows.follow_tag(reader, tag_named("python"))
    follows.follow_tag(reader, tag_named("web"))
    response = api.get("/api/articles/feed?limit=3", token=token)
    assert slugs(response) == ["both-3", "both-2", "both-1"]
    assert response.get_json()["articlesCount"] == 3


@pytest.mark.parametrize("url", ["/api/articles", "/api/articles/feed", "/api/articles?tag=python",
                                 "/api/articles?favorited=reader", "/api/articles?author=author"])
def test_lists_take_the_same_number_of_statements_for_1_or_20_articles(
    api, api_member, make_article, url
):
    from blog.domain import follows, reactions

    reader, token = api_member("reader")
    author, _ = api_member("author")
    follows.follow(reader, author)
    counts, made = [], 0
    for total in (1, 20):
        while made < total:
            article = make_article(author=author, title="Counted", tags="python")
            reactions.like(reader, article)
            made += 1
        with count_queries() as queries:
            response = api.get(f"{url}{'&' if '?' in url else '?'}limit=50", token=token)
        assert len(response.get_json()["articles"]) == total
        assert all(a["favorited"] is True and a["author"]["following"] is True
                   for a in response.get_json()["articles"])
        counts.append(len(queries))
    # The token's session, articlesCount (the first time since the last write), the cards
    # with their tags, what the reader favorited and whom they follow.
    assert counts == [3, 3], queries


COUNTING = ("count(", "site_counts.value", "tags.articles_count")


@pytest.mark.parametrize("query", ["", "?tag=python", "?author=author", "?favorited=fan"])
def test_a_lists_count_is_counted_once_until_the_site_changes(api, api_member, make_member,
                                                              make_article, query):
    """articlesCount of a list every reader gets alike is kept with the page cache: the
    same for a visitor and a member, and new after any write that could change it."""
    from blog.domain import articles, reactions

    author, fan = make_member("author"), make_member("fan")
    _, token = api_member("reader")
    first = make_article(author=author, title="First", tags="python")
    reactions.like(fan, first)

    def count(**asker):
        with count_queries() as statements:
            answer = api.get(f"/api/articles{query}", **asker).get_json()["articlesCount"]
        # Counted rows, or the number the writes keep (the whole site's, a tag's).
        return answer, sum(any(word in statement.lower() for word in COUNTING)
                           for statement in statements)

    assert count() == (1, 1)
    assert count(token=token) == (1, 0)  # a member's request is never a kept page
    second = make_article(author=author, title="Second", tags="python")
    reactions.like(fan, second)
    assert count(token=token) == (2, 1)
    assert count(token=token) == (2, 0)
    articles.delete_article(second, author)
    assert count(token=token) == (1, 1)


def test_a_members_feed_count_is_kept_until_what_they_follow_or_mute_changes(
        api, api_member, make_member, make_article):
    from blog.domain import follows, mutes
    from blog.domain.listing import tag_named

    reader, token = api_member("reader")
    other, others_token = api_member("other")
    ada, bob = make_member("ada"), make_member("bob")
    make_article(author=ada, title="By Ada")
    make_article(author=bob, title="By Bob", tags="python")
    follows.follow(reader, ada)
    follows.follow(other, bob)

    def count(token):
        with count_queries() as statements:
            answer = api.get("/api/articles/feed", token=token).get_json()["articlesCount"]
        # Counted rows, or the number the writes keep (the whole site's, a tag's).
        return answer, sum(any(word in statement.lower() for word in COUNTING)
                           for statement in statements)

    assert count(token) == (1, 1)
    assert count(token) == (1, 0)
    assert count(others_token) == (1, 1)  # each member's own
    follows.follow(reader, bob)
    assert count(token) == (2, 1)
    mutes.mute(reader, bob)  # counted again, then kept while they mute
    assert count(token) == (1, 1)
    assert count(token) == (1, 0)
    mutes.unmute(reader, bob)
    assert count(token) == (2, 1)
    mutes.mute_tag(reader, tag_named("python"))
    assert count(token) == (1, 1)
    assert count(token) == (1, 0)


def test_a_mute_committed_while_the_feed_is_counted_leaves_no_wrong_count_kept(
        api, api_member, make_member, make_article, monkeypatch):
    """The count's statement is chosen as the request begins (does the member mute
    anything?), the clock read later: a mute from another tab in between once kept a
    count with the muted member's articles in it, under the new clock."""
    from sqlalchemy import insert

    from blog.domain import following_feed, follows
    from blog.extensions import db
    from blog.models import MemberMute, utcnow

    reader, token = api_member("reader")
    ada, bob = make_member("ada"), make_member("bob")
    make_article(author=ada, title="By Ada")
    make_article(author=bob, title="By Bob")
    follows.follow(reader, ada)
    follows.follow(reader, bob)
    reader_id, bob_id = reader.id, bob.id
    chosen = following_feed.following_keys

    def mute_commits_meanwhile(user, at_most):
        keys = chosen(user, at_most)
        monkeypatch.setattr(following_feed, "following_keys", chosen)  # once
        db.session.execute(insert(MemberMute).values(user_id=reader_id, muted_id=bob_id,
                                                     created_at=utcnow()))
        db.session.commit()
        return keys

    monkeypatch.setattr(following_feed, "following_keys", mute_commits_meanwhile)
    api.get("/api/articles/feed", token=token)
    later = api.get("/api/articles/feed", token=token).get_json()
    assert [a["title"] for a in later["articles"]] == ["By Ada"]
    assert later["articlesCount"] == 1


@pytest.mark.parametrize("forged", ["liked_by", "liked_by_name", "favorited"])
def test_a_filter_value_cannot_pass_for_another_lists_count(api, make_member, make_article,
                                                            forged):
    from blog.domain import reactions

    reactions.like(make_member("bob"), make_article(author=make_member("alice")))
    # An author of that name finds no article: counted 0, and kept under its own name.
    assert api.get(f"/api/articles?author=alice%26{forged}%3Dbob").get_json() == {
        "articles": [], "articlesCount": 0}
    assert api.get("/api/articles?author=alice&favorited=bob").get_json()["articlesCount"] == 1


def test_a_count_kept_outlives_a_write_the_clock_missed_by_page_cache_seconds_at_most(
    make_app, make_member, make_article
):
    """A write from another process on the in-memory cache (a CLI command) does not move
    this server's clock: the count, as a page, is then stale for PAGE_CACHE_SECONDS."""
    import time

    from blog.extensions import db
    from helpers import FormClient

    app = make_app(PAGE_CACHE_SECONDS=1)
    with app.app_context():
        article = make_article(author=make_member("author"), title="Soon a draft")

        def articles_count(limit):  # each limit a page of its own; the count is shared
            answer = FormClient(app.test_client()).get(f"/api/articles?limit={limit}")
            return answer.get_json()["articlesCount"]

        assert articles_count(1) == 1
        raw = db.engine.raw_connection()  # below SQLAlchemy: no clock moves
        try:
            raw.cursor().execute(  # an integer written in: each driver its own placeholder
                f"UPDATE articles SET status = 'draft' WHERE id = {int(article.id)}")  # noqa: S608
            raw.cursor().execute(  # and its count, as blog.domain.published_counts moves it
                "UPDATE site_counts SET value = value - 1 WHERE name = 'published_articles'")
            raw.commit()
        finally:
            raw.close()
        assert articles_count(2) == 1
        time.sleep(1.1)
        assert articles_count(3) == 0


@pytest.mark.parametrize("asked", ["Dragons", "it's", "a%25b", "a%20b", "%E2%9C%93", "x" * 31])
def test_a_tag_filter_names_a_tag_in_any_case_or_finds_nothing(api, author, make_article, asked):
    # A name of a tag's characters is written into the SQL (blog.domain.listing); any other
    # stays a parameter and finds no article: never an error.
    make_article(author=author[0], title="One", tags="dragons")
    response = api.get(f"/api/articles?tag={asked}")
    assert response.status_code == 200
    found = 1 if asked == "Dragons" else 0
    assert (len(response.get_json()["articles"]), response.get_json()["articlesCount"]) == (
        found, found)


# --- tags ----------------------------------------------------------------------------------------


def test_tags_lists_the_tags_in_use_most_used_first(api, author, make_article):
    make_article(author=author[0], title="One", tags="python web")
    make_article(author=author[0], title="Two", tags="python")
    make_article(author=author[0], title="Draft", tags="secret", publish=False)
    assert api.get("/api/tags").get_json() == {"tags": ["python", "web"]}


def test_tags_come_from_the_latest_articles(api, author, make_article, monkeypatch):
    from blog.domain import trending

    monkeypatch.setattr(trending, "POPULAR_TAGS_SAMPLE", 2)  # tag rows: the newest article's
    for title, tags in [("Old", "cobol"), ("Newer", "python"), ("Newest", "python rust")]:
        make_article(author=author[0], title=title, tags=tags)
    assert api.get("/api/tags").get_json() == {"tags": ["python", "rust"]}


def test_tags_run_one_statement_written_once(api, app, author, make_article):
    # Building the statement cost about as much as running it (trending.py): the second
    # request runs the very statement object the first one built.
    from sqlalchemy import event

    from blog.extensions import db

    make_article(author=author[0], title="One", tags="python")
    ran = []

    def record(conn, clauseelement, multiparams, params, execution_options):
        ran.append(clauseelement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_execute", record)
    try:
        # A member's requests: the page cache answers no one with a token.
        answers = [api.get("/api/tags", token=author[1]).get_json() for _ in range(2)]
    finally:
        event.remove(engine, "before_execute", record)
    assert answers == [{"tags": ["python"]}] * 2
    tags_statements = [s for s in ran if "article_tags" in str(s)]
    assert len(tags_statements) == 2 and tags_statements[0] is tags_statements[1]
