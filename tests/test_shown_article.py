"""An article as one reader sees it (blog.domain.shown_article): the article, its tags'
names and what the reader did with it, in one statement, for its page and the API."""

import re

from flask_login import AnonymousUserMixin

from blog.domain import articles, follows, reactions
from blog.domain.shown_article import article_shown
from blog.extensions import db
from helpers import count_queries, page


def tag_links(html):
    return re.findall(r'class="tag" href="[^"]*">#([^<]+)</a>', html)


def test_a_member_sees_the_tags_by_name_and_what_they_did(make_member, make_article):
    reader, author = make_member("reader"), make_member("author")
    article = make_article(author=author, title="Marked", tags="zeta alpha mid")
    reactions.bookmark(reader, article)
    follows.follow(reader, author)
    slug = article.slug
    db.session.expunge(article)
    db.session.expunge(author)  # nothing of them left in the session to read instead
    with count_queries() as queries:
        shown = article_shown(slug, reader)
        assert shown.article.title == "Marked" and shown.article.author.username == "author"
    assert len(queries) == 1
    assert [tag.name for tag in shown.tags] == ["alpha", "mid", "zeta"]
    assert (shown.liked, shown.bookmarked, shown.following_author) == (False, True, True)
    reactions.like(reader, article)
    assert article_shown(article.slug, reader).liked is True


def test_a_visitor_sees_the_tags_and_no_marks(make_member, make_article):
    article = make_article(title="Open", tags="b a")
    reactions.like(make_member("fan"), article)
    shown = article_shown(article.slug, AnonymousUserMixin())
    assert [tag.name for tag in shown.tags] == ["a", "b"]
    assert (shown.liked, shown.bookmarked, shown.following_author) == (False, False, False)


def test_an_article_without_tags_shows_none(make_article, make_member):
    article = make_article(title="Bare")
    assert article_shown(article.slug, make_member("reader")).tags == []


def test_a_draft_is_shown_to_its_author_only(make_member, make_article):
    author = make_member("author")
    draft = make_article(author=author, title="Not yet", publish=False)
    assert article_shown(draft.slug, AnonymousUserMixin()) is None
    assert article_shown(draft.slug, make_member("other")) is None
    assert article_shown(draft.slug, author).article.id == draft.id
    assert article_shown("no-such-article", author) is None


def test_a_former_slug_finds_the_article_with_its_tags_and_marks(make_member, make_article):
    reader, author = make_member("reader"), make_member("author")
    article = make_article(author=author, title="First title", tags="python web")
    former = article.slug
    reactions.like(reader, article)
    articles.update_article(article, author, "Second title", "", "Body.", "web python",
                            "", True)
    assert reader.id  # loaded again after the commits, before counting
    with count_queries() as queries:
        shown = article_shown(former, reader)
    # Not at its slug; at a former one; its tags; the reader's marks.
    assert len(queries) == 4, queries
    assert shown.article.slug != former and shown.article.title == "Second title"
    assert [tag.name for tag in shown.tags] == ["python", "web"]
    assert (shown.liked, shown.bookmarked, shown.following_author) == (True, False, False)
    assert article_shown(former, AnonymousUserMixin()).liked is False


def test_the_page_shows_the_tags_and_the_reader_s_marks(client, auth, make_member,
                                                        make_article):
    reader, author = make_member("reader"), make_member("author")
    article = make_article(author=author, title="On the page", tags="rust go")
    reactions.like(reader, article)
    html = page(client.get(f"/articles/{article.slug}"))
    assert tag_links(html) == ["go", "rust"]
    assert 'aria-pressed="true"' not in html  # a visitor's buttons press nothing
    auth.login("reader")
    html = page(client.get(f"/articles/{article.slug}"))
    assert tag_links(html) == ["go", "rust"]
    assert 'aria-pressed="true" title="Likes"' in html


def test_a_refused_comment_brings_the_page_back_with_its_tags_and_marks(
    client, auth, make_member, make_article
):
    reader, author = make_member("reader"), make_member("author")
    article = make_article(author=author, title="Commented", tags="db")
    follows.follow(reader, author)
    auth.login("reader")
    response = client.submit(f"/articles/{article.slug}/comments", {"body": "   "})
    assert response.status_code == 422
    html = page(response)
    assert tag_links(html) == ["db"]
    assert 'aria-pressed="true" title="Followers"' in html  # still shown as followed


def test_the_api_s_article_is_one_statement_after_the_token(api, api_member, make_article):
    author, _ = api_member("author")
    reader, token = api_member("reader")
    article = make_article(author=author, title="Via the API", tags="sql http")
    reactions.like(reader, article)
    follows.follow(reader, author)
    api.get(f"/api/articles/{article.slug}", token=token)
    with count_queries() as queries:
        answer = api.get(f"/api/articles/{article.slug}", token=token).get_json()["article"]
    assert len(queries) == 2, queries  # the token's login, then the article
    assert answer["tagList"] == ["http", "sql"]
    assert answer["favorited"] is True and answer["author"]["following"] is True
    visitor = api.get(f"/api/articles/{article.slug}").get_json()["article"]
    assert visitor["tagList"] == ["http", "sql"]
    assert visitor["favorited"] is False and visitor["author"]["following"] is False

