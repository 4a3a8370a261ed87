"""Costs that do not grow with the site (issue 13): popular tags from the latest tag uses,
the API's comment list off an index in reading order, and follower counts that stop at
10,000. Plans are read on SQLite and on PostgreSQL in a crowded site (the crowd fixture)."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from blog.domain import articles, comments, follows, threads, trending
from blog.extensions import db
from blog.models import Follow
from helpers import json_headers, page
from page_helpers import follow_button
from plan_helpers import on_postgres, scans_table, sorts_rows

# --- what a client sees --------------------------------------------------------------------


def test_tags_are_the_most_used_by_published_articles_ties_by_name(
    api, make_member, make_article, monkeypatch
):
    author = make_member("author")
    for tags in ("python web", "python rust", "python web go"):
        make_article(author=author, tags=tags)
    make_article(author=author, title="A draft", tags="secret secret2", publish=False)
    gone = make_article(author=author, title="Unpublished", tags="cobol")
    articles.update_article(gone, author, "Unpublished", "", gone.body, ["cobol"], "",
                            publish=False)
    assert api.get("/api/tags").get_json() == {"tags": ["python", "web", "go", "rust"]}
    monkeypatch.setattr(trending, "POPULAR_TAGS_SHOWN", 2)
    assert trending.popular_tags() == ["python", "web"]


def test_the_api_comment_list_stops_at_its_cap_without_counting_placeholders(
    api, app, make_member, make_article
):
    assert app.config["API_MAX_COMMENTS"] == 100
    talker = make_member("talker")
    article = make_article(author=talker, title="Talk")
    first = comments.add_comment(talker, article, "T0")
    comments.add_comment(talker, article, "R0", first.id)
    for n in (1, 2, 3):
        comments.add_comment(talker, article, f"T{n}")
    comments.delete_comment(first, talker)  # a "[deleted]" placeholder: it has a reply
    app.config["API_MAX_COMMENTS"] = 3
    answer = api.get(f"/api/articles/{article.slug}/comments").get_json()
    assert [c["body"] for c in answer["comments"]] == ["R0", "T1", "T2"]


@pytest.fixture
def followed(app, make_member, monkeypatch):
    """A member followed by three others, counts capped at 2."""
    monkeypatch.setattr(follows, "COUNTED_AT_MOST", 2)
    star = make_member("star")
    for n in range(3):
        follows.follow(make_member(f"fan{n}"), star)
    return star


def test_a_count_past_the_cap_says_so_on_pages_and_buttons(client, auth, followed, make_member):
    assert follows.followers_count(followed) == "2+"
    assert follow_button(client.get("/@star")) == ("Follow", "2+")
    make_member("reader")
    auth.login("reader")
    # The button's script gets the same label (static/js/buttons.js shows it as it is).
    answer = client.post("/@star/follow", headers=json_headers(client)).get_json()
    assert answer == {"following": True, "followers_count": "2+"}
    auth.logout()
    auth.login("star")
    assert "2+ followers" in page(client.get("/@star"))


def test_a_count_up_to_the_cap_is_exact(followed, make_member, monkeypatch):
    monkeypatch.setattr(follows, "COUNTED_AT_MOST", 3)
    assert follows.followers_count(followed) == 3
    monkeypatch.setattr(follows, "COUNTED_AT_MOST", 10_000)
    for n in range(3):
        follows.follow(followed, make_member(f"idol{n}"))
    assert follows.following_count(followed) == 3
    assert follows.capped_count(select(Follow.followed_id)) == 6  # any keys


# --- the plans -----------------------------------------------------------------------------


def test_popular_tags_read_the_latest_uses_off_their_index(plans, make_member, make_article):
    make_article(author=make_member("author"), tags="python web")
    [plan] = plans(trending.popular_tags)
    # Neither articles nor the whole of article_tags: the latest uses, newest first, alone.
    assert " articles" not in plan and not scans_table(plan, "article_tags")
    if on_postgres():
        assert ("Limit  (cost" in plan and "->  Index Only Scan Backward using "
                "ix_article_tags_published_at_tag_id on article_tags" in plan)
        return
    assert "SEARCH article_tags USING COVERING INDEX ix_article_tags_published_at_tag_id" in plan
    # Sorting and grouping only the sample's tags (a temporary B-tree for those), never
    # the uses themselves: they come off the index in order.
    assert plan.index("TEMP B-TREE") > plan.index("ix_article_tags_published_at_tag_id")


def test_the_api_comment_list_reads_its_index_in_reading_order(
    plans, crowd, make_member, make_article
):
    talker = make_member("talker")
    article = make_article(author=talker, title="Busy")
    root = comments.add_comment(talker, article, "Root")
    comments.add_comment(talker, article, "Reply", root.id)
    crowd(comments_on=article)  # on PostgreSQL, 400 more threads of 5 on it
    db.session.refresh(article)
    [plan] = plans(lambda: threads.in_reading_order(article, 100))
    assert not scans_table(plan, "comments")
    if on_postgres():
        # The first 100 in order straight off the index: no sort of the discussion.
        assert plan.startswith("Limit")
        assert "Index Scan using ix_comments_article_id_thread_id_id on comments" in plan
        assert not sorts_rows(plan)
        return
    assert "SEARCH comments USING INDEX ix_comments_article_id_thread_id_id (article_id=?)" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.parametrize("count, index", [
    (follows.followers_count, "ix_follows_followed_id"),
    (follows.following_count, "follows"),  # the primary key (follower_id, followed_id)
])
def test_follow_counts_stop_at_the_cap_on_an_index(plans, make_member, count, index):
    member = SimpleNamespace(id=make_member("member").id)  # no reload among the statements
    [plan] = plans(lambda: count(member))
    if on_postgres():
        assert "Aggregate" in plan and " / ->  Limit " in plan
        assert "Index Only Scan using" in plan and index in plan
        return
    assert "USING COVERING INDEX" in plan and index in plan


def test_a_profile_its_counts_and_follow_are_one_statement_on_the_indexes(
        plans, make_member, monkeypatch):
    from flask_login import AnonymousUserMixin

    from blog.domain.shown_profile import profile_shown

    member = make_member("member")
    fans = [make_member(f"fan{n}") for n in range(3)]
    for fan in fans:
        follows.follow(fan, member)
    follows.follow(member, make_member("idol"))
    stranger = make_member("stranger")

    def seen_by(reader, username="member", counts=True):
        shown = profile_shown(username, reader, counts)
        return shown.followers_count, shown.following_count, shown.following

    assert seen_by(AnonymousUserMixin()) == (3, 1, False)
    assert seen_by(fans[0], "MEMBER") == (3, 1, True)  # a name in any case
    assert seen_by(stranger) == (3, 1, False)
    assert seen_by(fans[0], counts=False) == (None, None, True)  # the API's
    assert profile_shown("nobody", fans[0]) is None
    monkeypatch.setattr(follows, "COUNTED_AT_MOST", 2)
    assert seen_by(fans[1]) == ("2+", 1, True)
    fan = SimpleNamespace(id=fans[2].id, is_authenticated=True)  # no reload among them
    [plan] = plans(lambda: profile_shown("member", fan))
    if on_postgres():
        assert plan.count("Index Only Scan using") == 3 and "ix_follows_followed_id" in plan
        return
    assert "USING COVERING INDEX ix_follows_followed_id" in plan
    assert plan.count("USING COVERING INDEX") == 2
    assert "(follower_id=? AND followed_id=?)" in plan  # the key's own index
    assert not scans_table(plan, "follows")
    assert not scans_table(plan, "users")


def test_tag_follower_counts_stop_at_the_cap_on_an_index(plans, make_member, make_article):
    from blog.domain import listing

    make_article(author=make_member("author"), tags="python")
    tag = SimpleNamespace(id=listing.tag_named("python").id)
    [plan] = plans(lambda: follows.tag_followers_count(tag))
    if on_postgres():
        # The crowd follows no tag: the few rows may be read from the table, by the index.
        assert " / ->  Limit " in plan and "ix_tag_follows_tag_id" in plan
        assert not scans_table(plan, "tag_follows")
        return
    assert "SEARCH tag_follows USING COVERING INDEX ix_tag_follows_tag_id" in plan


def test_a_tag_its_count_and_follow_are_one_statement_on_indexes(
        plans, make_member, make_article, monkeypatch):
    from flask_login import AnonymousUserMixin

    from blog.domain import listing
    from blog.domain.shown_tag import tag_shown

    make_article(author=make_member("author"), tags="python")
    tag = listing.tag_named("python")
    fans = [make_member(f"fan{n}") for n in range(3)]
    for fan in fans:
        follows.follow_tag(fan, tag)
    stranger = make_member("stranger")

    def seen_by(reader, name="python"):
        shown = tag_shown(name, reader)
        return shown.tag.name, shown.followers_count, shown.following

    assert seen_by(fans[0]) == ("python", 3, True)
    assert seen_by(stranger, "Python") == ("python", 3, False)  # a name in any case
    assert seen_by(AnonymousUserMixin()) == ("python", 3, False)
    assert tag_shown("nothing", fans[0]) is None
    monkeypatch.setattr(follows, "COUNTED_AT_MOST", 2)
    assert seen_by(fans[1]) == ("python", "2+", True)
    reader = SimpleNamespace(id=fans[2].id, is_authenticated=True)  # no reload among them
    [plan] = plans(lambda: tag_shown("python", reader))
    assert not scans_table(plan, "tag_follows")
    if not on_postgres():  # there, the crowd's few tags are read whole: cheaper than an index
        assert not scans_table(plan, "tags")


def test_a_members_hidden_articles_are_read_off_their_own_index(plans, make_member, make_article):
    # Shown on the member's own profile: the few hidden rows, not all their articles.
    from sqlalchemy import update

    from blog.domain import moderation_log
    from blog.models import Article, utcnow

    writer = make_member("writer")
    kept, hidden = (make_article(author=writer, title=title) for title in ("Kept", "Hidden"))
    db.session.execute(update(Article).where(Article.id == hidden.id)
                       .values(status="draft", hidden_at=utcnow()))
    db.session.commit()
    member = SimpleNamespace(id=writer.id)  # no reload among the statements
    assert [a.id for a in moderation_log.hidden_articles_of(member)] == [hidden.id]
    [plan] = plans(lambda: moderation_log.hidden_articles_of(member))
    assert "ix_articles_author_id_hidden_at" in plan, plan
    assert not scans_table(plan, "articles")
    if on_postgres():
        assert not sorts_rows(plan), plan
    else:
        assert "TEMP B-TREE" not in plan, plan
