"""Moderation meeting a deletion: what a moderator acts on may be deleted by its author
at the same moment. A removal as spam hides what is left; a single action says "gone".

The deletion is made where the moderator's transaction takes the article's lock, as if
the author's had committed just before (through the real server, on PostgreSQL:
tests/test_published_counts_races.py).
"""

import pytest
from sqlalchemy import delete, select
from test_published_counts import kept_counts, true_counts

from blog.domain import moderation, published_counts
from blog.domain.errors import NotFound
from blog.extensions import db
from blog.models import Article

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def deleted_at_the_lock(monkeypatch):
    """deleted_at_the_lock(article_id): that article is gone when a moderator locks it,
    deleted (and counted out) as blog.domain.articles.delete_article does."""
    real_lock = moderation.lock_article_to_edit

    def arrange(doomed_id):
        def lock(article_id):
            if article_id == doomed_id:
                before = published_counts.stored(article_id)
                db.session.execute(delete(Article).where(Article.id == article_id)
                                   .execution_options(synchronize_session=False))
                published_counts.move(before, published_counts.NOTHING)
            return real_lock(article_id)
        monkeypatch.setattr(moderation, "lock_article_to_edit", lock)

    return arrange


def test_a_removal_as_spam_hides_what_its_author_did_not_delete_meanwhile(
        make_member, make_article, deleted_at_the_lock):
    spammer, moderator = make_member("spammer"), make_member("mia", role="moderator")
    first, second = (make_article(author=spammer, title=f"Buy {n}", tags="deals").id
                     for n in range(2))
    deleted_at_the_lock(first)
    entry = moderation.remove_as_spam(moderator, spammer)
    assert entry.action == "remove_spam"
    assert db.session.get(Article, first) is None
    assert db.session.get(Article, second).is_hidden
    assert kept_counts() == true_counts() == ({"deals": 0}, 0)

    moderation.undo_remove_as_spam(moderator, entry)  # and its undo shows the one left
    assert db.session.scalars(select(Article.title).where(
        Article.status == "published")).all() == ["Buy 1"]
    assert kept_counts() == true_counts() == ({"deals": 1}, 1)


@pytest.mark.parametrize("action", ["hide", "restore"])
def test_hiding_or_restoring_an_article_deleted_meanwhile_says_it_is_gone(
        make_member, make_article, deleted_at_the_lock, action):
    moderator = make_member("mia", role="moderator")
    article = make_article(author=make_member("author"), title="Gone soon", tags="deals")
    if action == "restore":
        moderation.hide(moderator, "article", article, "Check.")
    deleted_at_the_lock(article.id)
    with pytest.raises(NotFound):
        getattr(moderation, action)(moderator, "article", article, "Check.")
    db.session.rollback()
    assert kept_counts() == true_counts()


def test_counts_move_only_at_the_top_of_a_transaction(make_member, make_article):
    article = make_article(author=make_member("author"), title="Nested", tags="deals")
    with db.session.begin_nested(), pytest.raises(RuntimeError, match="savepoints"):
        published_counts.move(published_counts.stored(article.id), published_counts.NOTHING)
    db.session.rollback()
    assert kept_counts() == true_counts() == ({"deals": 1}, 1)
