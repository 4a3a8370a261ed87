"""Articles: the editor, preview, publishing, drafts, permissions and speed."""

import pytest
from sqlalchemy import func, select

from blog.domain import accounts, articles, slugs
from blog.domain.articles import ArticleError
from blog.extensions import db
from blog.models import Article, Tag, User
from helpers import TEST_PASSWORD, count_queries, fresh, logged_in, page
from page_helpers import article_form as form


def article_count():
    return db.session.scalar(select(func.count(Article.id)))


# --- the editor and who may use it ------------------------------------------------------


def test_editor_has_its_labels_and_buttons(client, writer):
    html = page(client.get("/new"))
    for label in ("Title", "Description", "Tags", "Body", "Cover image URL"):
        assert f">{label}</label>" in html
    for button in ("Publish", "Save draft", "Preview"):
        assert f'value="{button}"' in html
    assert 'href="/new"' in html  # the Write link in the navigation


def test_writing_needs_login(client):
    assert client.get("/new").headers["Location"] == "/auth/login?next=%2Fnew"
    assert client.submit("/new", form()).status_code == 302
    assert article_count() == 0


def test_unverified_member_may_not_write(client, make_member, auth):
    make_member("member1", verified=False)
    auth.login()
    response = client.get("/new")
    assert response.status_code == 403
    assert "Please confirm your email address first." in page(response)
    assert client.submit("/new", form()).status_code == 403
    assert article_count() == 0


def test_unverified_member_may_write_when_the_site_allows_it(
    client, app, make_member, auth
):
    app.config["REQUIRE_VERIFIED_EMAIL"] = False
    make_member("member1", verified=False)
    auth.login()
    assert client.submit("/new", form()).status_code == 302
    assert article_count() == 1


# --- publishing, drafts, preview ------------------------------------------------------------


def test_publish_shows_the_rendered_article(client, writer):
    response = client.submit("/new", form(tags="Python, web-dev"))
    [article] = db.session.scalars(select(Article))
    assert response.headers["Location"] == f"/articles/{article.slug}"
    assert article.slug == "hello-world"
    assert article.is_published and article.published_at is not None
    assert article.reading_minutes == 1

    html = page(client.get(response.headers["Location"]))
    assert "<h1>Hello world</h1>" in html
    assert '<pre><code class="language-python"><span class="hl-nb">print</span>(' in html
    assert '<th class="align-right">Count</th>' in html and "<td>one</td>" in html
    assert "@member1" in html and "1 min read" in html
    assert "#python" in html and "#web-dev" in html
    assert "Draft" not in html
    assert ">Edit</a>" in html and "Delete article" in html


def test_cover_image_is_shown(client, writer):
    client.submit("/new", form(cover_url="https://images.example.org/cover.png"))
    html = page(client.get("/articles/hello-world"))
    assert '<img class="article-cover" src="https://images.example.org/cover.png" alt="">' in html


def test_draft_is_seen_only_by_its_author(client, writer, make_client, make_member):
    client.submit("/new", form(button="save_draft"))
    article = db.session.scalar(select(Article))
    assert not article.is_published and article.published_at is None

    html = page(client.get("/articles/hello-world"))
    assert ">Draft</span>" in html
    make_member("other")
    assert logged_in(make_client, "other").get("/articles/hello-world").status_code == 404
    assert make_client().get("/articles/hello-world").status_code == 404


def test_preview_renders_and_saves_nothing(client, writer):
    response = client.submit("/new", form(body="# Big\n\n<script>x()</script>", button="preview"))
    assert response.status_code == 200
    html = page(response)
    assert "<h2 id=\"preview-heading\">Preview</h2>" in html
    assert "<h1>Big</h1>" in html and "<script>x()" not in html
    assert 'value="Hello world"' in html  # the form keeps what was typed
    assert article_count() == 0


def test_preview_of_a_body_too_long_to_save_renders_nothing(client, writer):
    """Previews are free of the article limits, and rendering 900 kB of "_a" took 5 s of CPU."""
    response = client.submit("/new", form(body="_a" * 450_000, button="preview"))
    assert response.status_code == 422
    html = page(response)
    assert "Use at most 100000 characters." in html
    assert 'id="preview-heading"' not in html
    assert article_count() == 0


def test_edit_changes_the_article_and_its_slug_follows_the_title(client, writer):
    client.submit("/new", form())
    editor = page(client.get("/articles/hello-world/edit"))
    assert 'value="python web"' in editor and 'value="Save changes"' in editor

    response = client.submit(
        "/articles/hello-world/edit", form(title="A new title", body="*new*", tags="go")
    )
    assert response.headers["Location"] == "/articles/a-new-title"
    article = db.session.scalar(select(Article))
    assert (article.title, article.body_html) == ("A new title", "<p><em>new</em></p>\n")
    assert [t.name for t in article.tags] == ["go"]
    assert "<h1>A new title</h1>" in page(client.get("/articles/a-new-title"))
    old_link = client.get("/articles/hello-world")
    assert (old_link.status_code, old_link.headers["Location"]) == (301, "/articles/a-new-title")


def test_same_title_gets_another_slug(make_article):
    first, second = make_article(title="Same title"), make_article(title="Same title")
    assert first.slug == "same-title"
    assert second.slug.startswith("same-title-") and second.slug != first.slug


def test_tags_are_shared_between_articles(make_article):
    make_article(tags="python")
    make_article(tags="Python flask")
    assert db.session.scalars(select(Tag.name).order_by(Tag.name)).all() == ["flask", "python"]


# --- permissions ----------------------------------------------------------------------------


def test_only_the_author_edits(client, writer, make_member, make_client, make_article):
    article = make_article(author=writer)
    make_member("other")
    other = logged_in(make_client, "other")
    assert other.get(f"/articles/{article.slug}/edit").status_code == 403
    response = other.submit(f"/articles/{article.slug}/edit", form(title="Mine now"))
    assert response.status_code == 403
    assert other.submit(f"/articles/{article.slug}/delete").status_code == 403
    assert fresh(article).title == "Hello world"
    html = page(other.get(f"/articles/{article.slug}"))
    assert ">Edit</a>" not in html and "Delete article" not in html


def test_admin_may_delete_but_not_edit(make_member, make_client, make_article):
    article = make_article()
    make_member("boss", role="admin")
    admin = logged_in(make_client, "boss")
    html = page(admin.get(f"/articles/{article.slug}"))
    assert ">Edit</a>" not in html and "Delete article" in html
    assert admin.get(f"/articles/{article.slug}/edit").status_code == 403
    response = admin.submit(f"/articles/{article.slug}/delete")
    assert response.headers["Location"] == "/"
    assert article_count() == 0


def test_author_deletes_their_article(client, writer, make_article):
    article = make_article(author=writer, tags="python")
    assert client.submit(f"/articles/{article.slug}/delete").status_code == 302
    assert article_count() == 0
    assert client.get(f"/articles/{article.slug}").status_code == 404


def test_someone_elses_draft_cannot_be_edited_or_deleted(
    make_member, make_client, make_article
):
    article = make_article(publish=False)
    make_member("boss", role="admin")
    admin = logged_in(make_client, "boss")
    assert admin.get(f"/articles/{article.slug}/edit").status_code == 404
    assert admin.submit(f"/articles/{article.slug}/delete").status_code == 404
    assert article_count() == 1


def test_unknown_slug_is_not_found(client, writer):
    assert client.get("/articles/nope").status_code == 404
    assert client.get("/articles/nope/edit").status_code == 404
    assert client.submit("/articles/nope/delete").status_code == 404


def test_posts_without_csrf_token_change_nothing(client, writer, make_article):
    article = make_article(author=writer)
    assert client.post("/new", data=form()).status_code == 400
    response = client.post(f"/articles/{article.slug}/edit", data=form(title="Changed"))
    assert response.status_code == 400
    assert client.post(f"/articles/{article.slug}/delete").status_code == 400
    assert article_count() == 1 and fresh(article).title == "Hello world"


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({"title": "  "}, "title", "Give your article a title."),
        ({"body": ""}, "body", "Write something in the body."),
        ({"tags": "a b c d e"}, "tags", "Use at most 4 tags."),
        ({"tags": "c++"}, "tags",
         "“c++” is not a tag: use 1 to 30 letters, digits, underscores or hyphens."),
        ({"tags": "x" * 31}, "tags", "is not a tag"),
        ({"cover_url": "http://example.org/a.png"}, "cover_url", "Use an https:// address"),
        ({"cover_url": "javascript:alert(1)"}, "cover_url", "Use an https:// address"),
    ],
)
def test_invalid_article_is_refused_beside_the_field(client, writer, fields, field_id, message):
    response = client.submit("/new", form(**fields))
    assert response.status_code == 422
    html = page(response)
    assert f'<p class="error" id="{field_id}-error">' in html
    assert message in html.split(f'id="{field_id}-error">', 1)[1].split("</p>", 1)[0]
    assert article_count() == 0


def test_domain_checks_what_the_form_checks(app, make_member):
    author = make_member()
    with pytest.raises(ArticleError) as error:
        articles.create_article(author, "Title", "", "body", "a b c d e", "", True)
    assert error.value.field == "tags"
    with pytest.raises(ArticleError):
        articles.create_article(author, "", "", "body", "", "", True)
    assert article_count() == 0


def test_parse_tags_normalises():
    assert articles.parse_tags(" Python,  web-dev #python\nGO ") == ["python", "web-dev", "go"]
    assert articles.parse_tags("") == []


def test_slugs_are_readable():
    assert slugs.make_slug("Ça va? Über Ünïcode & C++!") == "ca-va-uber-unicode-c"
    assert slugs.make_slug("日本語") == "article"
    long_slug = slugs.make_slug("word " * 40)
    assert len(long_slug) <= 60 and long_slug.endswith("word")


def test_reading_time():
    assert articles.reading_time_minutes("") == 1
    assert articles.reading_time_minutes("word " * 401) == 3


# --- accounts and speed ------------------------------------------------------------------------


def test_deleting_an_account_deletes_its_articles(make_member, make_article):
    author = make_member()
    make_article(author=author, tags="python")
    make_article(author=author, publish=False)
    kept = make_article(title="Someone else's", tags="python")
    accounts.delete_account(author, TEST_PASSWORD)
    db.session.expire_all()
    assert db.session.scalars(select(Article.slug)).all() == [kept.slug]
    assert db.session.scalar(select(func.count(User.id))) == 1


@pytest.mark.parametrize("viewer", ["anonymous", "author"])
def test_article_page_takes_the_same_few_queries_whatever_the_tags(
    client, writer, make_article, viewer
):
    slugs = [make_article(author=writer, title=title, tags=tags).slug
             for title, tags in (("One tag", "a"), ("Four tags", "a b c d"))]
    if viewer == "anonymous":
        client.submit("/auth/logout")
    counts = []
    for slug in slugs:
        with count_queries() as queries:
            assert client.get(f"/articles/{slug}").status_code == 200
        counts.append(len(queries))
    # The article with its author, its tags' names and the reader's like, bookmark and
    # follow of the author (blog.domain.shown_article); no comments to read (it has
    # none); a member's login before it, with the menu's count of drafts and the bell's
    # unread count.
    assert counts == ([1, 1] if viewer == "anonymous" else [2, 2])
