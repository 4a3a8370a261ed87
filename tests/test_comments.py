"""Comments on the pages: posting, replies one level deep, editing and deleting."""

import re

import pytest
from sqlalchemy import func, select

from blog.domain import accounts, comments, threads
from blog.extensions import db
from blog.models import Article, Comment
from helpers import TEST_PASSWORD, logged_in, page


def post_comment(client, article, body, parent_id=None):
    data = {"body": body} if parent_id is None else {"body": body, "parent_id": parent_id}
    return client.submit(f"/articles/{article.slug}/comments", data)


def posted_id(response):
    """The new comment's id, from the redirect to its anchor."""
    match = re.search(r"#comment-(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def comment_html(html, comment_id):
    """The markup of one comment on the article page."""
    return html.split(f'id="comment-{comment_id}"', 1)[1].split("</article>", 1)[0]


def rows():
    db.session.expire_all()
    return db.session.scalars(select(Comment).order_by(Comment.id)).all()


def assert_counter_matches(article):
    """comments_count equals the article's comments that are not placeholders."""
    db.session.expire_all()
    visible = db.session.scalar(
        select(func.count(Comment.id))
        .where(Comment.article_id == article.id, Comment.deleted_at.is_(None))
    )
    assert db.session.get(Article, article.id).comments_count == visible
    return visible


@pytest.fixture
def article(make_article, make_member):
    """A published article by someone other than member1."""
    return make_article(author=make_member("author"), title="Talk to me")


@pytest.fixture
def other(make_member, make_client):
    """A second member, "other", logged in in a browser of their own."""
    make_member("other")
    return logged_in(make_client, "other")


# --- posting and reading ----------------------------------------------------------------


def test_posted_comment_shows_on_the_article_rendered(client, writer, article):
    response = post_comment(client, article, "Nice *post*, `thanks`")
    comment_id = posted_id(response)
    assert response.headers["Location"] == f"/articles/{article.slug}#comment-{comment_id}"

    html = page(client.get(f"/articles/{article.slug}"))
    assert "Your comment is posted." in html and "Comments (1)" in html
    mine = comment_html(html, comment_id)
    assert "<p>Nice <em>post</em>, <code>thanks</code></p>" in mine
    assert "@member1" in mine and ">Edit</a>" in mine and "Delete comment" in mine
    assert assert_counter_matches(article) == 1


@pytest.mark.parametrize(
    "body",
    ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "[click](javascript:alert(1))"],
)
def test_script_in_a_comment_renders_inert(client, writer, article, body):
    comment_id = posted_id(post_comment(client, article, body))
    mine = comment_html(page(client.get(f"/articles/{article.slug}")), comment_id)
    assert "<script" not in mine and "<img" not in mine
    assert 'href="javascript' not in mine


def test_reply_and_reply_to_reply_share_one_thread(client, writer, article, other):
    first = posted_id(post_comment(client, article, "First"))
    reply = posted_id(post_comment(other, article, "A reply", first))
    answer = posted_id(post_comment(client, article, "Reply to the reply", reply))
    later = posted_id(post_comment(other, article, "Second thread"))

    assert [(c.id, c.parent_id) for c in rows()] == [
        (first, None), (reply, first), (answer, first), (later, None)
    ]
    shown = threads.page_of_threads(
        db.session.get(Article, article.id), per_page=30, replies_shown=10
    ).threads
    assert [(t.comment.id, [r.id for r in t.replies]) for t in shown] == [
        (first, [reply, answer]), (later, [])
    ]
    html = page(client.get(f"/articles/{article.slug}"))
    replies = html.split('<ol class="replies">', 1)[1].split("</ol>", 1)[0]
    assert "A reply" in replies and "Reply to the reply" in replies
    assert "Second thread" not in replies
    assert html.index("A reply") < html.index("Reply to the reply") < html.index("Second thread")
    assert assert_counter_matches(article) == 4


# --- editing -------------------------------------------------------------------------------


def test_author_edits_their_comment(client, writer, article):
    comment_id = posted_id(post_comment(client, article, "Frist"))
    editor = page(client.get(f"/comments/{comment_id}/edit"))
    assert 'value="Save comment"' in editor and "Frist</textarea>" in editor

    response = client.submit(f"/comments/{comment_id}/edit", {"body": "**First**"})
    assert response.headers["Location"] == f"/articles/{article.slug}#comment-{comment_id}"
    mine = comment_html(page(client.get(f"/articles/{article.slug}")), comment_id)
    assert "<strong>First</strong>" in mine and "edited" in mine
    assert assert_counter_matches(article) == 1


def test_only_the_author_edits(client, writer, article, other, make_member, make_client):
    comment_id = posted_id(post_comment(client, article, "Mine"))
    make_member("boss", role="admin")
    for intruder in (other, logged_in(make_client, "boss")):
        assert intruder.get(f"/comments/{comment_id}/edit").status_code == 403
        assert intruder.submit(f"/comments/{comment_id}/edit", {"body": "Ha"}).status_code == 403
        assert ">Edit</a>" not in comment_html(
            page(intruder.get(f"/articles/{article.slug}")), comment_id)
    visitor = make_client()
    response = visitor.get(f"/comments/{comment_id}/edit")
    assert response.headers["Location"].startswith("/auth/login?next=%2Fcomments%2F")
    assert visitor.submit(f"/comments/{comment_id}/edit", {"body": "Ha"}).status_code == 302
    assert [c.body for c in rows()] == ["Mine"]


def test_invalid_edit_keeps_the_text(client, writer, article):
    comment_id = posted_id(post_comment(client, article, "Mine"))
    response = client.submit(f"/comments/{comment_id}/edit", {"body": "y" * 10_001})
    assert response.status_code == 422
    assert "Use at most 10,000 characters." in page(response)
    assert "y" * 10_001 + "</textarea>" in page(response)
    assert [c.body for c in rows()] == ["Mine"]


# --- deleting --------------------------------------------------------------------------------


def test_delete_without_replies_removes_it(client, writer, article):
    comment_id = posted_id(post_comment(client, article, "Oops"))
    response = client.submit(f"/comments/{comment_id}/delete")
    assert response.headers["Location"] == f"/articles/{article.slug}#comments"
    html = page(client.get(f"/articles/{article.slug}"))
    assert "Comments (0)" in html and "Oops" not in html
    assert rows() == []
    assert assert_counter_matches(article) == 0


def test_delete_with_replies_leaves_a_placeholder(client, writer, article, other):
    first = posted_id(post_comment(client, article, "Hot take"))
    reply = posted_id(post_comment(other, article, "I disagree", first))

    assert client.submit(f"/comments/{first}/delete").status_code == 302
    html = page(client.get(f"/articles/{article.slug}"))
    assert "[deleted]" in comment_html(html, first) and "Hot take" not in html
    assert "I disagree" in comment_html(html, reply) and "Comments (1)" in html
    placeholder = rows()[0]
    assert placeholder.is_deleted and (placeholder.body, placeholder.body_html) == ("", "")
    assert assert_counter_matches(article) == 1
    assert client.submit(f"/comments/{first}/delete").status_code == 404  # gone already

    # The last reply takes the placeholder with it.
    assert other.submit(f"/comments/{reply}/delete").status_code == 302
    assert rows() == []
    assert assert_counter_matches(article) == 0


def test_admin_may_delete_others_may_not(client, writer, article, other, make_member,
                                        make_client):
    comment_id = posted_id(post_comment(client, article, "Spam"))
    assert other.submit(f"/comments/{comment_id}/delete").status_code == 403
    assert make_client().submit(f"/comments/{comment_id}/delete").status_code == 302
    assert len(rows()) == 1

    make_member("boss", role="admin")
    admin = logged_in(make_client, "boss")
    assert "Delete comment" in comment_html(page(admin.get(f"/articles/{article.slug}")),
                                            comment_id)
    assert admin.submit(f"/comments/{comment_id}/delete").status_code == 302
    assert rows() == []
    assert assert_counter_matches(article) == 0


def test_posts_without_csrf_token_change_nothing(client, writer, article):
    comment_id = posted_id(post_comment(client, article, "Kept"))
    assert client.post(f"/articles/{article.slug}/comments", data={"body": "x"}).status_code == 400
    assert client.post(f"/comments/{comment_id}/delete").status_code == 400
    assert client.post(f"/comments/{comment_id}/edit", data={"body": "x"}).status_code == 400
    assert [c.body for c in rows()] == ["Kept"]


def test_deleting_an_account_keeps_others_replies(make_member, article):
    leaving, staying = make_member("leaving"), make_member("staying")
    answered = comments.add_comment(leaving, article, "Answered")
    reply = comments.add_comment(staying, article, "Reply by staying", answered.id)
    comments.add_comment(leaving, article, "Own follow-up", answered.id)
    comments.add_comment(leaving, article, "Alone")
    other_thread = comments.add_comment(staying, article, "Staying's thread")
    comments.add_comment(leaving, article, "Reply by leaving", other_thread.id)
    gone_thread = comments.add_comment(staying, article, "Will be deleted")
    comments.add_comment(leaving, article, "Only reply", gone_thread.id)
    comments.delete_comment(gone_thread, staying)  # a placeholder with leaving's reply

    accounts.delete_account(leaving, TEST_PASSWORD)
    left = rows()
    assert [(c.id, c.is_deleted, c.body) for c in left] == [
        (answered.id, True, ""), (reply.id, False, "Reply by staying"),
        (other_thread.id, False, "Staying's thread"),
    ]
    assert all(c.author_id is None for c in left if c.is_deleted)
    assert assert_counter_matches(article) == 2
