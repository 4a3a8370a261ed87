"""Slugs follow the title (RealWorld 2.0); links made before a new title keep working."""

from sqlalchemy import func, select

from blog.domain import articles, slugs
from blog.extensions import db
from blog.models import ArticleSlug
from helpers import page


def retitle(article, title):
    return articles.update_article(article, article.author, title, article.description,
                                   article.body, [t.name for t in article.tags],
                                   article.cover_url, publish=True)


def test_a_new_title_brings_a_new_slug_and_the_old_one_redirects(client, make_article):
    article = retitle(make_article(title="First thoughts", tags="python"), "Second thoughts")
    assert article.slug == "second-thoughts"
    response = client.get("/articles/first-thoughts?thread=7")
    assert response.status_code == 301
    assert response.headers["Location"] == "/articles/second-thoughts?thread=7"
    assert "<h1>Second thoughts</h1>" in page(client.get(response.headers["Location"]))


def test_a_title_that_makes_the_same_slug_keeps_it(make_article):
    article = retitle(make_article(title="Hello world"), "Hello, World!")
    assert article.slug == "hello-world"
    assert db.session.scalar(select(func.count()).select_from(ArticleSlug)) == 0


def test_going_back_to_an_earlier_title_takes_its_slug_back(make_article):
    article = make_article(title="One")
    retitle(article, "Two")
    retitle(article, "One")
    assert article.slug == "one"
    assert db.session.scalars(select(ArticleSlug.slug)).all() == ["two"]


def test_no_other_article_gets_a_slug_someone_gave_up(make_article, client):
    moved = retitle(make_article(title="Shared name"), "Renamed")
    newcomer = make_article(title="Shared name")
    assert newcomer.slug != "shared-name" and newcomer.slug.startswith("shared-name-")
    assert client.get("/articles/shared-name").headers["Location"] == f"/articles/{moved.slug}"


def test_writes_through_an_old_link_reach_the_article(client, auth, make_member, make_article):
    make_member("reader")
    article = retitle(make_article(title="Before"), "After")
    auth.login("reader")
    response = client.submit("/articles/before/like")
    assert response.status_code == 302
    db.session.refresh(article)
    assert article.likes_count == 1


def test_a_deleted_article_takes_its_old_slugs_with_it(make_article, client):
    article = retitle(make_article(title="Doomed"), "Still doomed")
    articles.delete_article(article, article.author)
    assert db.session.scalar(select(func.count()).select_from(ArticleSlug)) == 0
    assert client.get("/articles/doomed").status_code == 404
    assert not slugs.slug_taken("doomed")


def test_a_draft_s_old_slug_stays_hidden_from_others(client, make_article):
    draft = make_article(title="Secret plan", publish=False)
    articles.update_article(draft, draft.author, "Public plan", "", draft.body, [], "",
                            publish=False)
    assert client.get("/articles/secret-plan").status_code == 404


def test_an_old_link_s_query_is_passed_on_as_it_came(client, make_article):
    """The redirect once handed the query to url_for as arguments: ?slug= or ?_method= made
    a 500, ?_external=1 an address on whatever Host the request named, ?_anchor= a fragment."""
    retitle(make_article(title="Old name"), "New name")
    for query in ("slug=other", "_method=POST", "_external=1", "_scheme=https&_external=1",
                  "_anchor=top", "thread=7&thread=8"):
        response = client.get(f"/articles/old-name?{query}", headers={"Host": "evil.example"})
        assert response.status_code == 301, query
        assert response.headers["Location"] == f"/articles/new-name?{query}", query


def test_retitling_over_and_over_holds_no_more_than_a_few_slugs(api, api_member, make_article,
                                                               client):
    """Edits have no limit, and every slug given up stayed the article's: one article could
    hold the address of every title others would write (they got 'title-3f9a', and
    /articles/<title> led to it) and grow article_slugs without end."""
    mallory, token = api_member("mallory")
    slug = make_article(author=mallory, title="Bait").slug
    for n in range(1, 31):
        response = api.put(f"/api/articles/{slug}", {"article": {"title": f"Future title {n}"}},
                           token=token)
        assert response.status_code == 200
        slug = response.get_json()["article"]["slug"]
    assert db.session.scalar(select(func.count()).select_from(ArticleSlug)) == slugs.KEPT_SLUGS
    honest = make_article(title="Future title 1")
    assert honest.slug == "future-title-1"
    assert "<h1>Future title 1</h1>" in page(client.get("/articles/future-title-1"))
    assert client.get("/articles/future-title-29").headers["Location"] == f"/articles/{slug}"
