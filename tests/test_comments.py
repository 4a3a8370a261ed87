"""Comments: posting, threads one level deep, edit, delete, permissions, counters and speed."""

import re

import pytest
from sqlalchemy import func, select

from blog.domain import accounts, comments, threads
from blog.domain.comments import CommentError
from blog.extensions import db
from blog.models import Article, Comment
from helpers import TEST_PASSWORD, count_queries, logged_in, page


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


# --- refusals ---------------------------------------------------------------------------------


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
    assert '<details class="reply" open>' in html
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


# --- accounts and speed ------------------------------------------------------------------------


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


def test_article_page_takes_the_same_statements_for_1_or_20_comments(
    client, writer, make_article, make_member
):
    others = [make_member(f"reader{n}") for n in range(3)]
    few = make_article(author=others[0], title="Few")
    many = make_article(author=others[0], title="Many")
    comments.add_comment(others[0], few, "Only one")
    for n in range(10):
        top = comments.add_comment(others[n % 3], many, f"Top {n}")
        comments.add_comment(others[(n + 1) % 3], many, f"Reply {n}", top.id)
    counts = []
    for slug in (few.slug, many.slug):
        with count_queries() as queries:
            assert client.get(f"/articles/{slug}").status_code == 200
        counts.append(len(queries))
    # login session, article with author, tags, the reader's like/bookmark marks,
    # whether the reader follows the author, and all comments with their
    # authors (blog.domain.comments.thread_for).
    assert counts == [6, 6]


# --- pages of comments --------------------------------------------------------------------------

HREF_PATTERN = re.compile(r'<a (?:class="button" )?href="([^"]+)">{}</a>')


def link(html, text):
    """The address of the link reading `text` on the page (None when there is none)."""
    match = re.search(HREF_PATTERN.pattern.format(re.escape(text)), html)
    return match.group(1).replace("&amp;", "&") if match else None


def shown_bodies(html):
    """The comment bodies on a page, top to bottom."""
    return re.findall(r'<div class="comment-body"><p>([^<]*)</p>', html)


@pytest.fixture
def discussion(app, make_member, article):
    """7 threads "T0".."T6"; T1 has 7 replies "R0".."R6". Pages of 3 threads, 2 replies shown."""
    app.config.update(COMMENT_THREADS_PER_PAGE=3, COMMENT_REPLIES_SHOWN=2,
                      COMMENT_REPLIES_PER_PAGE=3)
    talker = make_member("talker")
    roots = [comments.add_comment(talker, article, f"T{n}") for n in range(7)]
    for n in range(7):
        comments.add_comment(talker, article, f"R{n}", roots[1].id)
    return roots


def test_article_page_shows_a_page_of_threads_and_a_link_to_the_next(client, article, discussion):
    html = page(client.get(f"/articles/{article.slug}"))
    assert shown_bodies(html) == ["T0", "T1", "R0", "R1", "T2"]
    assert "Show 5 more replies" in html

    html = page(client.get(link(html, "Show more comments")))
    assert shown_bodies(html) == ["T3", "T4", "T5"]
    assert link(html, "All comments, from the first") == f"/articles/{article.slug}#comments"

    html = page(client.get(link(html, "Show more comments")))
    assert shown_bodies(html) == ["T6"]
    assert link(html, "Show more comments") is None
    assert "Comments (14)" in html


def test_long_threads_show_their_first_replies_and_a_link_to_the_rest(client, article, discussion):
    html = page(client.get(f"/articles/{article.slug}"))
    html = page(client.get(link(html, "Show 5 more replies")))
    # The thread alone, from the first reply not shown, a page (3) at a time.
    assert shown_bodies(html) == ["T1", "R2", "R3", "R4"]
    html = page(client.get(link(html, "Show 2 more replies")))
    assert shown_bodies(html) == ["T1", "R5", "R6"]
    assert "more repl" not in html
    assert shown_bodies(page(client.get(link(html, "This thread from its start")))) == [
        "T1", "R0", "R1", "R2"
    ]


def test_a_comment_in_a_long_discussion_is_shown_after_posting(
    client, writer, article, discussion
):
    response = post_comment(client, article, "Late to the party")
    assert "thread=" in response.headers["Location"]
    assert shown_bodies(page(client.get(response.headers["Location"]))) == ["Late to the party"]
    response = post_comment(client, article, "Late reply", discussion[1].id)
    assert shown_bodies(page(client.get(response.headers["Location"]))) == ["T1", "Late reply"]


@pytest.mark.parametrize("query", [
    "comments_from=abc", "comments_from=-4", "comments_from=99999999999999999999",
    "thread=0", "thread=99999999999", "thread=1&replies_from=x", "thread=999",
])
def test_odd_paging_addresses_show_a_page(client, article, discussion, query):
    assert client.get(f"/articles/{article.slug}?{query}").status_code == 200


def test_comment_pages_take_the_same_statements_as_the_first(
    client, writer, article, discussion
):
    counts = []
    html = page(client.get(f"/articles/{article.slug}"))
    for url in (f"/articles/{article.slug}", link(html, "Show more comments"),
                link(html, "Show 5 more replies")):
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts == [6, 6, 6]
