"""The published articles' counts (blog.domain.published_counts) follow every kind of write.

Each test changes what is published in one of the ways a member, a moderator or an
account deletion can, then checks the numbers a client sees (the API's articlesCount, in
all and per tag; the tags page) against the rows counted afresh.
"""

import pytest
from sqlalchemy import delete, func, select

from blog.domain import accounts, articles, moderation, published_counts
from blog.extensions import db
from blog.models import Article, SiteCount, Tag, User, article_tags
from helpers import TEST_PASSWORD, page


def true_counts():
    """({tag name: published articles with it}, published articles), counted from the rows."""
    per_tag = dict(db.session.execute(
        select(Tag.name, func.count(article_tags.c.article_id))
        .outerjoin(article_tags, (article_tags.c.tag_id == Tag.id)
                   & article_tags.c.published_at.is_not(None))
        .group_by(Tag.name)).all())
    published = db.session.scalar(select(func.count()).select_from(Article)
                                  .where(Article.status == "published"))
    return per_tag, published


def kept_counts():
    """The same, as the counters have them."""
    db.session.expire_all()
    per_tag = dict(db.session.execute(select(Tag.name, Tag.articles_count)).all())
    return per_tag, db.session.scalar(published_counts.site_count()) or 0


def api_count(client, query=""):
    response = client.get(f"/api/articles?limit=1{query}")
    assert response.status_code == 200, response.status_code
    return response.get_json()["articlesCount"]


def assert_counts(client, expected_tags, expected_total):
    """The counters equal the rows and `expected_*`, and a client reads them so."""
    assert kept_counts() == true_counts()
    per_tag, total = kept_counts()
    assert {name: n for name, n in per_tag.items() if n} == expected_tags
    assert api_count(client) == total == expected_total
    for name in per_tag:
        assert api_count(client, f"&tag={name.upper()}") == per_tag[name]


@pytest.fixture
def client(app, make_app):
    # The page cache off: every answer reads the counters afresh.
    return make_app(PAGE_CACHE=False).test_client()


def test_saves_count_publications_tag_changes_and_unpublishing(client, make_member, make_article):
    author = make_member("author")
    assert_counts(client, {}, 0)
    first = make_article(author=author, title="One", tags="python go")
    draft = make_article(author=author, title="Two", tags="python rust", publish=False)
    assert_counts(client, {"python": 1, "go": 1}, 1)

    def save(article, tags, publish):
        articles.update_article(article, author, article.title, "", "Body.", tags, "", publish)

    save(draft, "python rust", True)  # a draft published
    assert_counts(client, {"python": 2, "go": 1, "rust": 1}, 2)
    save(first, "go elixir", True)  # its tags changed while published
    assert_counts(client, {"python": 1, "go": 1, "rust": 1, "elixir": 1}, 2)
    save(first, "go elixir", True)  # saved again as it was: nothing moves
    assert_counts(client, {"python": 1, "go": 1, "rust": 1, "elixir": 1}, 2)
    save(draft, "rust zig", False)  # taken back to draft, retagged
    assert_counts(client, {"go": 1, "elixir": 1}, 1)
    save(draft, "", True)  # published without tags
    assert_counts(client, {"go": 1, "elixir": 1}, 2)


def test_deletions_count_out_what_they_delete(client, make_member, make_article):
    author = make_member("author")
    kept = make_article(author=author, title="Kept", tags="python")
    gone = make_article(author=author, title="Gone", tags="python go")
    draft = make_article(author=author, title="Draft", tags="python", publish=False)
    articles.delete_article(gone, author)
    articles.delete_article(draft, author)
    assert_counts(client, {"python": 1}, 1)
    assert kept.status == "published"


def test_moderation_hides_and_restores_articles_and_spam(client, make_member, make_article):
    author, spammer = make_member("author"), make_member("spammer")
    moderator = make_member("moderator", role="moderator")
    article = make_article(author=author, title="Fine", tags="python")
    for n in range(2):
        make_article(author=spammer, title=f"Buy {n}", tags="python deals")
    make_article(author=spammer, title="Unsent", tags="deals", publish=False)
    assert_counts(client, {"python": 3, "deals": 2}, 3)

    moderation.hide(moderator, "article", article, "Off topic.")
    assert_counts(client, {"python": 2, "deals": 2}, 2)
    moderation.restore(moderator, "article", article)
    assert_counts(client, {"python": 3, "deals": 2}, 3)

    entry = moderation.remove_as_spam(moderator, spammer)
    assert_counts(client, {"python": 1}, 1)
    moderation.undo_remove_as_spam(moderator, entry)
    assert_counts(client, {"python": 3, "deals": 2}, 3)


def test_an_account_deleted_takes_its_articles_out_of_the_counts(
        client, make_member, make_article):
    stays, leaves = make_member("stays"), make_member("leaves")
    make_article(author=stays, title="Stays", tags="python")
    for n in range(3):
        make_article(author=leaves, title=f"Leaves {n}", tags="python go" if n else "go")
    make_article(author=leaves, title="Draft", tags="python", publish=False)
    assert_counts(client, {"python": 3, "go": 3}, 4)
    accounts.delete_account(leaves, TEST_PASSWORD)
    assert_counts(client, {"python": 1}, 1)


def test_the_tags_pages_show_each_count_as_it_moves(client, make_member, make_article):
    author = make_member("author")
    made = [make_article(author=author, title=f"Py {n}", tags="python") for n in range(3)]

    def shown():
        html = page(client.get("/tags"))
        return html.split('href="/t/python">#python</a></h2>')[1].split("</p>")[0]

    def on_its_page():
        return page(client.get("/t/python")).split('<span class="tag-count">')[1].split("<")[0]

    assert shown().endswith(">3 articles") and on_its_page() == "3 articles"
    articles.delete_article(made[0], author)
    articles.delete_article(made[1], author)
    assert shown().endswith(">1 article") and on_its_page() == "1 article"


@pytest.mark.parametrize("change", ["publish", "delete"])
def test_an_emptied_counter_row_comes_back_counted_with_the_next_change(
        client, make_member, make_article, change):
    # The tests empty every table between them; so could an operator's hand.
    author = make_member("author")
    made = [make_article(author=author, title=f"Before {n}") for n in range(3)]
    db.session.execute(delete(SiteCount))
    db.session.commit()
    if change == "publish":
        make_article(author=author, title="After")
    else:
        articles.delete_article(made[0], author)
    assert_counts(client, {}, 4 if change == "publish" else 2)


def test_a_hidden_article_retagged_meanwhile_is_restored_with_its_new_tags(
        client, make_app, make_member, make_article):
    author, moderator = make_member("author"), make_member("moderator", role="moderator")
    article = make_article(author=author, title="Hidden", tags="python")
    moderation.hide(moderator, "article", article, "Check the sources.")
    assert [tag.name for tag in article.tags] == ["python"]  # loaded, as a page may have
    with make_app().app_context():  # the author, in another process, while it is hidden
        own = db.session.get(Article, article.id)
        articles.update_article(own, db.session.get(User, author.id), own.title, "",
                                "Sources added.", "go", "", False)
    moderation.restore(moderator, "article", article)
    assert_counts(client, {"go": 1}, 1)


def test_recount_puts_right_what_a_hand_changed(app, client, make_member, make_article):
    make_article(author=make_member("author"), title="One", tags="python")
    make_article(author=make_member("other"), title="Two", tags="python go")
    db.session.execute(Article.__table__.delete().where(Article.title == "One"))
    db.session.commit()
    assert kept_counts() != true_counts()
    result = app.test_cli_runner().invoke(args=["recount"])
    assert result.exit_code == 0, result.output
    assert "Counted 1 published article." in result.output
    assert_counts(client, {"python": 1, "go": 1}, 1)


def test_demo_data_is_counted(app, client):
    from blog.seed import Seeder

    seeder = Seeder(TEST_PASSWORD, seed=3)
    seeder.add_members(5)
    seeder.add_articles(40, 20, 20)
    db.session.commit()
    per_tag, total = true_counts()
    assert 0 < total < 40  # some drafts among them
    assert_counts(client, {name: n for name, n in per_tag.items() if n}, total)

