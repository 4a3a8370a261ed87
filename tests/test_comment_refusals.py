"""What the comment form refuses, and to whom: bad bodies and parents, drafts, the unconfirmed."""

import pytest
import test_comments
from test_comments import assert_counter_matches, post_comment, posted_id, rows

from blog.domain import comments
from blog.domain.comments import CommentError
from helpers import page

article = test_comments.article  # the fixture, shared with the other comment tests


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Write something in your comment."),
     ("z" * 10_001, "Use at most 10,000 characters.")],
)
def test_invalid_comment_is_refused_beside_the_field(client, writer, article, body, message):
    response = post_comment(client, article, body)
    assert response.status_code == 422
    html = page(response)
    error = html.split('<p class="error" id="new-comment-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert f"{body}</textarea>" in html  # what was typed stays in the box
    assert rows() == []
    assert assert_counter_matches(article) == 0


def test_refused_reply_comes_back_in_its_thread(client, writer, article):
    first = posted_id(post_comment(client, article, "First"))
    html = page(post_comment(client, article, "", first))
    assert f'<details class="reply" id="reply-{first}" open>' in html
    assert f'id="reply-{first}-body-error"' in html
    assert 'id="new-comment-error"' not in html
    assert len(rows()) == 1


def test_parent_must_exist_on_the_same_article(client, writer, article, make_article):
    elsewhere = make_article(author=writer, title="Elsewhere")
    foreign = posted_id(post_comment(client, elsewhere, "Over there"))
    response = post_comment(client, article, "Sneaky", foreign)
    assert response.status_code == 422
    assert "You can only reply to comments on this article." in page(response)
    assert "Sneaky</textarea>" in page(response)
    response = post_comment(client, article, "Late", 999_999)
    assert response.status_code == 422
    assert "The comment you replied to has been deleted." in page(response)
    assert len(rows()) == 1
    assert assert_counter_matches(article) == 0


def test_draft_article_takes_no_comments(client, writer, make_article, make_member):
    draft = make_article(author=make_member("drafter"), publish=False)
    assert post_comment(client, draft, "Hi").status_code == 404
    own_draft = make_article(author=writer, title="Mine", publish=False)
    assert post_comment(client, own_draft, "Hi").status_code == 403
    assert "Comments open once the article is published." in page(
        client.get(f"/articles/{own_draft.slug}"))
    assert rows() == []


def test_unknown_article_or_comment_is_not_found(client, writer):
    assert client.submit("/articles/nope/comments", {"body": "Hi"}).status_code == 404
    assert client.get("/comments/999999/edit").status_code == 404
    assert client.submit("/comments/999999/delete").status_code == 404


def test_unverified_member_may_not_comment(client, auth, make_member, article):
    make_member("member1", verified=False)
    auth.login()
    html = page(client.get(f"/articles/{article.slug}"))
    assert "Please confirm your email address to comment." in html and "Post comment" not in html
    response = post_comment(client, article, "Hello")
    assert response.status_code == 403
    assert "Please confirm your email address first." in page(response)
    assert rows() == []


def test_visitors_are_asked_to_log_in(client, article):
    html = page(client.get(f"/articles/{article.slug}"))
    assert f'href="/auth/login?next=/articles/{article.slug}">Log in to comment' in html
    assert "Post comment" not in html
    response = post_comment(client, article, "Hello")
    assert response.headers["Location"].startswith("/auth/login")
    assert rows() == []


def test_domain_checks_what_the_form_checks(app, make_member, article):
    author = make_member()
    with pytest.raises(CommentError) as error:
        comments.add_comment(author, article, " \r\n ")
    assert error.value.field == "body"
    assert rows() == []
