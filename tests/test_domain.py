"""The rules run without a request: what a script, a worker or a test gets from blog.domain.

Only an application context is pushed here (the `app` fixture), never a
request context: each call below would fail if the domain read the request,
the logged-in user or a route.
"""

import pytest
from flask import has_request_context
from sqlalchemy import delete

from blog.domain import (
    accounts,
    articles,
    comments,
    following_feed,
    follows,
    listing,
    permissions,
    reactions,
)
from blog.domain.errors import Conflict, FieldError, Forbidden, NotFound, Unverified
from blog.extensions import db
from blog.models import Article


@pytest.fixture
def no_request(app):
    assert not has_request_context()
    return app


def test_a_member_writes_likes_comments_and_lists_without_a_request(no_request, make_member):
    author, reader = make_member("author"), make_member("reader")
    article = articles.create_article(author, "Rules", "", "No *HTTP* here.", "python", "", True)

    state = reactions.like(reader, article)
    comment = comments.add_comment(reader, article, "Nice.")
    follows.follow(reader, author)

    assert state.liked and state.likes_count == 1
    assert comment.body == "Nice."
    page = listing.article_page(following_feed.following(reader), reader, number=1)
    assert [a.slug for a in page.items] == [article.slug]
    assert page.liked_ids == {article.id}
    [card] = listing.article_page(listing.latest(), None).items
    assert (card.id, card.author.username, [tag.name for tag in card.tags]) == (
        article.id, "author", ["python"])


def test_a_refusal_names_the_resource_and_why(no_request, make_member):
    author, stranger = make_member("author"), make_member("stranger")
    article = articles.create_article(author, "Mine", "", "Body.", "", "", True)

    with pytest.raises(Forbidden) as refused:
        articles.update_article(article, stranger, "Theirs", "", "Body.", "", "", True)
    assert refused.value.resource == "article"

    with pytest.raises(Forbidden) as refused:
        articles.delete_article(article, stranger)
    assert refused.value.resource == "article"
    assert db.session.get(type(article), article.id) is not None


def test_an_unconfirmed_member_is_refused_as_unverified(no_request, make_member):
    newcomer = make_member("newcomer", verified=False)
    article = articles.create_article(make_member("author"), "Open", "", "Body.", "", "", True)

    for write in (lambda: reactions.like(newcomer, article),
                  lambda: comments.add_comment(newcomer, article, "Hi"),
                  lambda: articles.create_article(newcomer, "T", "", "B", "", "", True)):
        with pytest.raises(Unverified) as refused:
            write()
        assert refused.value.reason == permissions.MAY_NOT_WRITE
    assert not permissions.may_write(newcomer)


def test_something_deleted_meanwhile_is_not_found(no_request, make_member):
    author, reader = make_member("author"), make_member("reader")
    article = articles.create_article(author, "Short-lived", "", "Body.", "", "", True)
    assert article.is_published  # loaded, as a page holds it before its write
    with db.engine.begin() as elsewhere:  # another request deletes it meanwhile
        elsewhere.execute(delete(Article).where(Article.id == article.id))

    with pytest.raises(NotFound) as missing:
        reactions.like(reader, article)
    assert missing.value.resource == "article"


def test_a_taken_username_is_a_conflict_and_a_field_error(no_request, make_member):
    make_member("taken")
    with pytest.raises(Conflict) as taken:
        accounts.register("new@example.com", "TAKEN", "a long enough passphrase")
    assert isinstance(taken.value, FieldError) and taken.value.field == "username"
