"""Lists whose cost does not grow with the site: the tag rows that carry their article's
publication, a capped articlesCount, and an index that gives each list its order and its
count. PostgreSQL plans by its statistics, so there its plans are read in a site of 10,000
articles (the crowd fixture)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from blog.domain import articles, filtered_lists, following_feed, listing, ranking, threads
from blog.extensions import db
from blog.models import Article, article_tags, utcnow
from helpers import count_queries
from page_helpers import card_titles
from plan_helpers import on_postgres, sorts_rows, work_done


def tag_rows(article):
    """{tag name: the published_at its row carries}, read fresh."""
    from blog.models import Tag

    db.session.expire_all()
    return dict(db.session.execute(
        select(Tag.name, article_tags.c.published_at)
        .join(article_tags, article_tags.c.tag_id == Tag.id)
        .where(article_tags.c.article_id == article.id)
    ).all())


def test_tag_rows_carry_the_publication_while_the_article_is_published(
    client, make_member, make_article
):
    author = make_member("author")
    article = make_article(author=author, title="Tagged", tags="python web")
    published = db.session.get(Article, article.id).published_at
    assert tag_rows(article) == {"python": published, "web": published}

    def save(tags, publish):
        return articles.update_article(
            article, author, "Tagged", "", article.body, tags, "", publish=publish
        )

    article = save("python rust", publish=True)  # the new tag's row has it too
    assert tag_rows(article) == {"python": published, "rust": published}
    article = save("python rust", publish=False)
    assert tag_rows(article) == {"python": None, "rust": None}
    assert card_titles(client.get("/t/python")) == []
    article = save("rust", publish=True)  # the first publication's date comes back
    assert tag_rows(article) == {"rust": published}
    assert card_titles(client.get("/t/rust")) == ["Tagged"]


def test_a_tag_page_is_newest_first_and_a_draft_is_not_on_it(client, make_articles, make_article):
    make_articles(3, tags="python")
    make_article(title="A draft", tags="python", publish=False)
    assert card_titles(client.get("/t/python")) == ["Article 3", "Article 2", "Article 1"]


def test_a_card_on_a_tag_page_shows_all_its_tags_not_only_that_one(client, api, make_article):
    # The tag page's own statement joins article_tags: the card's tags must not be read
    # through that join.
    make_article(title="Several", tags="web python ada")
    html = client.get("/t/python").get_data(as_text=True)
    card = html[html.index('<article class="card'):]
    assert card.index(">#ada<") < card.index(">#python<") < card.index(">#web<")
    [entry] = api.get("/api/articles?tag=python").get_json()["articles"]
    assert entry["tagList"] == ["ada", "python", "web"]


def test_a_later_page_reads_its_tags_apart_so_the_skipped_rows_read_none(app, make_articles):
    # On PostgreSQL a column of the cards' statement is worked out for every row its
    # OFFSET skips: a later page's tags come in a statement of their own.
    make_articles(21, tags="web python ada")
    db.session.expire_all()
    for number, expected in ((1, 1), (2, 2)):
        with count_queries() as statements:
            page = listing.article_page(listing.latest(), None, number=number)
        assert [[tag.name for tag in card.tags] for card in page.items] == (
            [["ada", "python", "web"]] * (20 if number == 1 else 1))
        assert len(statements) == expected
        assert ("card_article_tags" in statements[0]) == (number == 1)


@pytest.mark.parametrize(
    "query", ["", "?tag=python", "?author=author", "?tag=python&author=author"]
)
def test_articles_count_is_exact_up_to_api_max_count(api, app, make_member, make_articles, query):
    make_articles(4, author=make_member("author"), tags="python")
    app.config["API_MAX_COUNT"] = 5
    assert api.get(f"/api/articles{query}").get_json()["articlesCount"] == 4
    app.config["API_MAX_COUNT"] = 3
    # Another address than the first, which the page cache keeps.
    answer = api.get(f"/api/articles{query}{'&' if query else '?'}limit=10").get_json()
    assert answer["articlesCount"] == 3  # a list of more says the cap
    assert len(answer["articles"]) == 4


# --- the plans ----------------------------------------------------------------


@pytest.mark.parametrize("period", ["week", "month", "year"])
def test_top_of_a_period_reads_its_score_index_in_order(plans, period):
    plan = plans(lambda: listing.article_page(listing.top(period), None))[0]
    if on_postgres():
        # Only the period's scored articles (its partial indexes), never the site. A
        # period of a few pages is read whole and sorted (the crowd's week: 168
        # articles), a big one in its score's order.
        assert f"using ix_articles_top_{period}" in plan
        assert "Seq Scan on articles" not in plan
        assert period != "year" or not sorts_rows(plan)
        return
    assert f"USING INDEX ix_articles_top_{period} " in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.parametrize("make_list, index", [
    (lambda: listing.latest(), "ix_articles_status_published_at"),
    (lambda: listing.top("all"), "ix_articles_status_likes_count"),
    (lambda: filtered_lists.matching(tag="python"), "ix_article_tags_tag_id_published_at"),
    (lambda: filtered_lists.matching(author="author"), "ix_articles_author_id_status_published_at"),
])
def test_lists_read_an_index_in_their_order(plans, make_member, make_article, make_list, index):
    make_article(author=make_member("author"), tags="python")
    plan = plans(lambda: listing.article_page(make_list(), None))[0]
    assert index in plan
    if on_postgres():
        # One author's few articles (the crowd's 25 on average) may be read whole and
        # sorted: that is the author's writing, not the site.
        assert not sorts_rows(plan) or re.search(r"Index Cond: \(\(author_id = \$\d+\)", plan)
        return
    assert "TEMP B-TREE FOR ORDER BY" not in plan.split(" / SEARCH users")[0]


@pytest.mark.parametrize("filters", [{}, {"tag": "python"}])
def test_the_site_s_and_a_tag_s_counts_read_one_row(plans, make_member, make_article, filters):
    make_article(author=make_member("author"), tags="python")
    [plan] = plans(lambda: filtered_lists.count(filtered_lists.matching_keys(**filters), 10_000))
    # The number the writes keep (blog.domain.published_counts): no article is counted.
    assert not re.search(r"\barticles\b|article_tags|Aggregate", plan), plan
    assert re.search(r"\bsite_counts\b" if not filters else r"\btags\b", plan), plan


def test_an_author_s_count_reads_an_index_alone(plans, make_member, make_article):
    make_article(author=make_member("author"), tags="python")
    [plan] = plans(lambda: filtered_lists.count(
        filtered_lists.matching_keys(author="author"), 10_000))
    if on_postgres():
        # Counting stops at the cap, and reads the author's index alone.
        assert plan.startswith("Aggregate") and " / ->  Limit " in plan
        assert "Index Only Scan using" in plan
        return
    assert "USING COVERING INDEX" in plan
    assert "SEARCH articles USING INTEGER PRIMARY KEY" not in plan


def reads_as(reader, muting, make_member):
    """Make `reader` a member who mutes someone (the feed's muting statement), or one
    known, as their session tells, to mute nothing (its plain one)."""
    from blog.domain import mutes

    if muting:
        mutes.mute(reader, make_member("muted"))
    reader.mutes_nothing = not muting


@pytest.mark.parametrize("muting", [False, True], ids=["mutes nothing", "mutes someone"])
def test_the_feed_reads_what_the_followed_wrote_not_the_site(
    plans, crowd, make_member, make_article, muting
):
    from blog.domain import follows

    reader, author = make_member("reader"), make_member("author")
    follows.follow(reader, author)
    make_article(author=author, tags="python")
    crowd()
    db.session.refresh(reader)
    reads_as(reader, muting, make_member)
    page_plan = plans(lambda: listing.article_page(following_feed.following(reader, 21), reader))[0]
    count_plan, = plans(
        lambda: filtered_lists.count(following_feed.following_keys(reader, 10_000), 10_000))
    for plan in (page_plan, count_plan):
        assert "ix_articles_author_id_status_published_at" in plan
        # Never the list of every published article, walked until enough matched.
        assert "ix_articles_status_published_at" not in plan
        assert "SCAN articles" not in plan and "Seq Scan on articles" not in plan
        # Nor every tag use of the site, newest first, for the tags the reader follows.
        assert "ix_article_tags_published_at_tag_id" not in plan
        assert "SCAN article_tags" not in plan and "Seq Scan on article_tags" not in plan


def written_in_bulk(author, tag_name, count):
    """`count` more published articles by `author` in the tag `tag_name`, an hour apart and
    newer than any before, in two statements (a test of growth needs hundreds)."""
    from blog.models import Tag

    tag = db.session.scalar(select(Tag).where(Tag.name == tag_name))
    if tag is None:
        tag = Tag(name=tag_name)
        db.session.add(tag)
        db.session.flush()
    newest = db.session.scalar(select(func.max(Article.published_at))) or utcnow()
    first = db.session.scalar(select(func.count()).select_from(Article))
    rows = [{"slug": f"bulk-{first + n}", "author_id": author.id, "title": f"Bulk {first + n}",
             "description": "", "body": "Body", "body_html": "<p>Body</p>", "cover_url": "",
             "status": "published", "reading_minutes": 1,
             "created_at": newest + timedelta(hours=n + 1),
             "updated_at": newest + timedelta(hours=n + 1),
             "published_at": newest + timedelta(hours=n + 1)} for n in range(count)]
    ids = db.session.scalars(insert(Article).returning(Article.id), rows).all()
    db.session.execute(insert(article_tags), [
        {"article_id": article_id, "tag_id": tag.id, "published_at": row["published_at"]}
        for article_id, row in zip(ids, rows, strict=True)])
    db.session.commit()


@pytest.mark.parametrize("muting", [False, True], ids=["mutes nothing", "mutes someone"])
def test_the_feeds_first_page_reads_as_much_after_the_followed_wrote_ten_times_more(
    crowd, make_member, make_article, muting
):
    """Each followed member's and tag's newest entries, never all they wrote: SQLite once
    read and sorted every article of theirs (it has no LATERAL; PostgreSQL's plan has)."""
    from blog.domain import follows

    reader, author = make_member("reader"), make_member("author")
    make_article(author=author, tags="python")
    follows.follow(reader, author)
    follows.follow_tag(reader, listing.tag_named("python"))
    reads_as(reader, muting, make_member)
    first_page = lambda: listing.article_page(following_feed.following(reader, 21), reader)  # noqa: E731

    written_in_bulk(author, "python", 30)
    crowd()  # PostgreSQL plans as for a real site
    before = work_done(first_page)
    written_in_bulk(author, "python", 270)
    after = work_done(first_page)
    assert after < 1.5 * before, (before, after)
    assert len(first_page().items) == 20


def test_the_sweep_reads_the_age_indexes(plans):
    ran = plans(ranking.sweep)
    assert [f"ix_articles_top_{period}_age" in plan for plan, period in zip(
        ran, ("week", "month", "year"), strict=True)] == [True] * 3
    # ... and changes the rows it found by their key, without going through the others.
    assert not any("Seq Scan on articles" in plan for plan in ran)


def test_comment_threads_read_only_their_first_replies(plans, crowd, make_member, make_article):
    from blog.domain import comments

    talker = make_member("talker")
    article = make_article(author=talker, title="Busy")
    root = comments.add_comment(talker, article, "Root")
    for n in range(5):
        comments.add_comment(talker, article, f"Reply {n}", root.id)
    crowd(comments_on=article)  # on PostgreSQL, 400 more threads of 5 on it
    db.session.refresh(article)
    [plan] = plans(lambda: threads.page_of_threads(article, per_page=30, replies_shown=2))
    if on_postgres():
        # A page's threads come off the index in order: no sort of the article's threads,
        # and no walk through every comment's key.
        in_order = r"Limit  \([^)]*\) / ->  Index Only Scan using ix_comments_article_id_parent_id"
        assert len(re.findall(in_order, plan)) == 2  # the threads, and their replies
        assert "ix_comments_parent_id_id" in plan
        assert not re.search(r"Filter: [^/]*article_id", plan)
        return
    # Replies are found by their thread, from the first one shown to the last one read,
    # never by going through the article's comments.
    assert "ix_comments_parent_id_id (parent_id=? AND id>? AND id<?)" in plan
    assert "ix_comments_article_id_parent_id_id (article_id=? AND parent_id=?)" in plan
    assert "(article_id=?)" not in plan


def test_a_page_of_cards_reads_their_tags_in_the_same_statement_sorted_by_name(
    app, make_member, make_article
):
    author = make_member("author")
    make_article(author=author, title="Tagged", tags="zig python ada")
    make_article(author=author, title="Bare")
    db.session.expire_all()  # nothing from the identity map: what a new request reads
    with count_queries() as statements:
        page = listing.article_page(listing.latest(), None)
        tags = {article.title: [tag.name for tag in article.tags] for article in page.items}
    assert tags == {"Tagged": ["ada", "python", "zig"], "Bare": []}
    assert len(statements) == 1  # the page with its authors and each card's tags


# --- rendering ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/?tab=latest", "/t/python", "/@author"])
@pytest.mark.parametrize("logged_in", [False, True])
@pytest.mark.parametrize("kept", [False, True])
def test_a_list_page_builds_as_many_addresses_for_1_or_20_cards(
    app, client, auth, make_member, make_article, url, logged_in, kept
):
    from blog.web import fragments

    author = make_member("author")
    if logged_in:
        auth.login("author")
    built = []
    url_for = app.jinja_env.globals["url_for"]
    app.jinja_env.globals["url_for"] = lambda *a, **k: built.append(a) or url_for(*a, **k)
    made, counts = 0, []
    for total in (1, 20):
        for _ in range(total - made):
            make_article(author=author, title="Card", tags="python web")
        made = total
        # Drawn whole, or as most pages are built: its parts kept per process drawn before.
        client.get(url)
        if not kept:
            fragments.forget()
        built.clear()
        assert len(card_titles(client.get(url))) == total
        counts.append(len(built))
    assert counts[0] == counts[1]


def test_url_before_is_the_address_without_its_last_value(app):
    from flask import url_for

    from blog.web.templating import url_before

    with app.test_request_context():
        assert url_before("article.show", "slug") + "a-b" == url_for("article.show", slug="a-b")
        assert url_before("profile.show", "username") == "/@"
        with pytest.raises(ValueError, match="does not end with its slug"):
            url_before("article.edit", "slug")


@pytest.mark.parametrize("url", ["/t/python", "/@author"])
@pytest.mark.parametrize("logged_in, expected", [(True, [3, 3]), (False, [2, 2])])
def test_a_tag_page_and_a_profile_ask_three_statements_of_a_member_two_of_a_visitor(
        list_statement_counts, url, logged_in, expected):
    """The login session (a member's); the tag or the member with their follower counts
    and whether the reader follows them (blog.domain.shown_tag, shown_profile); the
    cards with their tags: whatever the page's length."""
    assert list_statement_counts(url, logged_in=logged_in) == expected
