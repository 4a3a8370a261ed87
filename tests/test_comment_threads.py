"""An article's comments a page at a time: threads, long threads, and statements per page."""

import re

import pytest
import test_comments
from test_comments import post_comment

from blog.domain import comments
from helpers import count_queries, page

article = test_comments.article  # the fixture, shared with the other comment tests


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


def reply_address(html, thread_id):
    """Where thread `thread_id`'s "Reply" link leads (None when it has none)."""
    match = re.search(rf'<a href="([^"]+)" data-reply-to="{thread_id}">Reply</a>', html)
    return match.group(1).replace("&amp;", "&") if match else None


def reply_forms(html):
    """The parent_id of each reply form on the page (its template's hole included)."""
    return re.findall(r'<input type="hidden" name="parent_id" value="([^"]*)">', html)


def test_a_page_of_threads_carries_one_reply_form_and_a_reply_link_per_thread(
    client, writer, article, discussion
):
    html = page(client.get(f"/articles/{article.slug}"))
    # One form, kept for static/js/replies.js to open in place: not one per thread.
    assert reply_forms(html) == [":thread:"]
    shown = [str(thread.id) for thread in discussion[:3]]
    assert re.findall(r'data-reply-to="(\d+)">Reply</a>', html) == shown
    # Without JavaScript, "Reply" leads to the thread alone, its reply box open.
    html = page(client.get(reply_address(html, shown[1])))
    assert shown_bodies(html) == ["T1", "R0", "R1", "R2"]
    assert f'<details class="reply" id="reply-{shown[1]}" open>' in html
    assert reply_forms(html) == [shown[1]]
    assert "data-reply-to" not in html and 'id="reply-form"' not in html
    response = post_comment(client, article, "A reply from the thread's page", shown[1])
    assert shown_bodies(page(client.get(response.headers["Location"]))) == [
        "T1", "A reply from the thread's page"]


def test_a_refused_reply_comes_back_in_its_thread_from_a_later_page(
    client, writer, article, discussion
):
    html = page(client.get(link(page(client.get(f"/articles/{article.slug}")),
                                "Show more comments")))
    t4 = discussion[4].id
    html = page(client.get(reply_address(html, t4)))
    box = html[html.index(f'<details class="reply" id="reply-{t4}"'):]
    action = re.search(r'action="([^"]+)"', box).group(1).replace("&amp;", "&")
    response = client.submit(action, {"body": "  ", "parent_id": t4})
    assert response.status_code == 422
    html = page(response)
    assert shown_bodies(html) == ["T4"]  # its thread, not the first page of threads
    assert f'<details class="reply" id="reply-{t4}" open>' in html
    assert f'id="reply-{t4}-body-error"' in html and 'id="new-comment-error"' not in html
    assert reply_forms(html) == [str(t4)]


def test_a_visitor_gets_no_reply_form_nor_link(client, article, discussion):
    html = page(client.get(f"/articles/{article.slug}"))
    assert reply_forms(html) == [] and "data-reply-to" not in html
    assert "Log in to comment" in html


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
    with count_queries() as queries:
        html = page(client.get(f"/articles/{article.slug}"))
    counts.append(len(queries))
    for url in (link(html, "Show more comments"), link(html, "Show 5 more replies"),
                f"/articles/{article.slug}"):
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    # The menu's count of the member's drafts and the bell's unread count come with the
    # login session (blog.domain.dashboard.header_count_columns); the article's tags and
    # the reader's like, bookmark and follow of the author with the article
    # (blog.domain.shown_article); then the comments. Which comment authors the reader
    # muted (mutes.muted_among) is not asked: this reader mutes nobody. Seen again, the
    # first page's comments are the section kept from before (blog.article.comment_section):
    # nothing changed since, and this reader wrote none of them.
    assert counts == [3, 3, 3, 2]


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
    # login session (with the menu's count of the member's drafts and the bell's unread
    # count: dashboard.header_count_columns); the article with its author, its tags' names,
    # the reader's like and bookmark and whether they follow the author
    # (blog.domain.shown_article); the comments with their authors (blog.domain.threads);
    # and which of those authors the reader muted (blog.domain.mutes.muted_among: asked
    # only of a reader who mutes someone, so not here).
    assert counts == [3, 3]
