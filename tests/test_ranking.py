"""The Top tab's ranking (blog/domain/ranking.py): a score per article and period, exact
at every commit as likes come and go, and the tab right even before a sweep."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from blog.domain import accounts, articles, ranking, reactions
from blog.extensions import db
from blog.models import Article, utcnow
from helpers import TEST_PASSWORD
from page_helpers import card_titles, set_published_at

PERIODS = ("week", "month", "year")


def scores(article):
    """(likes_count, week, month, year score) as stored, read fresh."""
    db.session.expire_all()
    row = db.session.execute(
        select(Article.likes_count, *(ranking.score(p) for p in PERIODS))
        .where(Article.id == article.id)
    ).one()
    return tuple(row)


@pytest.fixture
def fans(make_member):
    return [make_member(f"fan{n}") for n in range(3)]


def test_a_new_article_is_scored_for_every_period_and_likes_move_every_score(
    make_article, fans
):
    article = make_article(title="Fresh")
    assert scores(article) == (0, 0, 0, 0)
    for fan in fans:
        reactions.like(fan, article)
    reactions.like(fans[0], article)  # once is once
    assert scores(article) == (3, 3, 3, 3)
    reactions.unlike(fans[1], article)
    assert scores(article) == (2, 2, 2, 2)


def test_a_draft_has_no_score_and_cannot_be_in_top(client, make_article):
    draft = make_article(title="Unfinished", publish=False)
    assert scores(draft) == (0, None, None, None)
    for period in (*PERIODS, "all"):
        assert card_titles(client.get(f"/?tab=top&period={period}")) == []


def test_an_article_grown_too_old_leaves_the_period_before_any_sweep(
    client, make_article, fans
):
    older, newer = make_article(title="Older"), make_article(title="Newer")
    for fan in fans:
        reactions.like(fan, older)
    set_published_at(older, utcnow() - timedelta(days=8))

    # Still scored for the week (no sweep since), yet out of the tab: it asks for the dates too.
    assert scores(older) == (3, 3, 3, 3)
    assert card_titles(client.get("/?tab=top&period=week")) == ["Newer"]
    assert card_titles(client.get("/?tab=top&period=month")) == ["Older", "Newer"]

    # A publication sweeps: the week's score goes, the others stay and keep moving.
    make_article(title="Newest")
    assert scores(older) == (3, None, 3, 3)
    reactions.unlike(fans[0], older)
    assert scores(older) == (2, None, 2, 2)
    assert scores(newer) == (0, 0, 0, 0)
    assert card_titles(client.get("/?tab=top&period=year")) == ["Older", "Newest", "Newer"]


def test_the_sweep_unscores_each_period_at_its_own_age(make_article):
    made = {days: make_article(title=f"{days} days old") for days in (6, 29, 364, 400)}
    for days, article in made.items():
        set_published_at(article, utcnow() - timedelta(days=days, hours=1))
    ranking.sweep()
    db.session.commit()
    assert [scores(made[days])[1:] for days in made] == [
        (0, 0, 0), (None, 0, 0), (None, None, 0), (None, None, None),
    ]


def test_unpublishing_unscores_and_republishing_scores_only_the_periods_it_is_young_for(
    make_member, make_article, fans
):
    author = make_member("author")
    article = make_article(author=author, title="Back and forth")
    reactions.like(fans[0], article)

    def save(publish):
        return articles.update_article(
            article, author, article.title, "", article.body, "", "", publish=publish
        )

    article = save(publish=False)
    assert scores(article) == (1, None, None, None)
    set_published_at(article, utcnow() - timedelta(days=20))  # first published 20 days ago
    article = save(publish=True)
    assert scores(article) == (1, None, 1, 1)


def test_a_deleted_account_takes_its_likes_off_the_scores(make_article, fans):
    first, second = make_article(title="First"), make_article(title="Second")
    for article in (first, second):
        for fan in fans:
            reactions.like(fan, article)
    accounts.delete_account(fans[0], TEST_PASSWORD)
    assert scores(first) == scores(second) == (2, 2, 2, 2)


def test_top_ranks_by_score_then_newest_in_every_period(client, make_article, fans):
    made = [make_article(title=f"Article {n}") for n in range(4)]
    for article, likes in zip(made, (1, 3, 0, 1), strict=True):
        for fan in fans[:likes]:
            reactions.like(fan, article)
    for period in (*PERIODS, "all"):
        assert card_titles(client.get(f"/?tab=top&period={period}")) == [
            "Article 1", "Article 3", "Article 0", "Article 2",
        ]


def test_a_sweep_unscores_at_most_a_batch_the_oldest_first(make_article):
    made = [make_article(title=f"Old {n}") for n in range(3)]
    for days, article in zip((10, 9, 8), made, strict=True):
        set_published_at(article, utcnow() - timedelta(days=days))
    ranking.sweep(batch=2)
    db.session.commit()
    assert [scores(article)[1] for article in made] == [None, None, 0]
