"""A member's own writes racing the deletion of their account, through the real server.

The member posts comments, likes and follows from the API (a token in
another client) while their browser deletes the account. Whatever wins,
nothing they wrote may outlive the account as a live comment without an
author, and the counters must still equal the rows.
"""

import pytest
import requests
from sqlalchemy import func, select
from test_concurrent_writes import ROUNDS, TIMEOUT, ApiClient, Browser, members, race, server_errors

from blog.extensions import db
from blog.models import Article, Comment, Like
from conftest import TEST_PASSWORD

# The members racing (they hang up at the end), and ROUNDS more who will delete their accounts.
staying = pytest.fixture(members.__wrapped__, name="staying")


@pytest.fixture
def leaving(live_server, staying, make_member):
    """ROUNDS members who will delete their accounts, made in the live server's database."""
    with live_server.app.app_context():
        made = [make_member(f"leaver{n}") for n in range(ROUNDS)]
        return [(m.username, m.email) for m in made]


def test_writes_racing_the_deletion_of_the_account_leave_no_orphans(
    live_server, staying, leaving
):
    author = ApiClient(live_server, staying[0][1])
    assert author.send("POST", "/api/articles", {"article": {
        "title": "Stay", "description": "d", "body": "Hi."}}) == 201
    apis = [[ApiClient(live_server, email) for _ in range(4)] for _, email in leaving]
    browsers = [Browser(live_server, name) for name, _ in leaving]
    replier = Browser(live_server, staying[1][0])
    # Each leaving member has a comment there already, that someone answers in the race.
    said = [apis[n][0].http.post(f"{live_server.url}/api/articles/stay/comments", json={
        "comment": {"body": "First"}}, timeout=TIMEOUT).json()["comment"]["id"]
        for n in range(ROUNDS)]

    def api_job(which, method, path, json=None):
        return lambda round_: apis[round_][which].send(method, path, json)

    def delete_job(round_):
        browser = browsers[round_]
        return browser.submit("/settings/delete", {"delete-password": TEST_PASSWORD}).status_code

    answers = race([
        delete_job,
        api_job(0, "POST", "/api/articles/stay/comments", {"comment": {"body": "Bye"}}),
        api_job(1, "POST", "/api/articles/stay/favorite"),
        api_job(2, "POST", "/api/articles/stay/comments", {"comment": {"body": "Again"}}),
        api_job(3, "DELETE", "/api/articles/stay/favorite"),
        lambda round_: replier.submit("/articles/stay/comments", {
            "body": "Re", "parent_id": str(said[round_])}).status_code,
    ])

    assert server_errors(answers) == []
    listed = requests.get(f"{live_server.url}/api/articles/stay/comments", timeout=TIMEOUT)
    assert listed.status_code == 200, listed.text[:300]
    with live_server.app.app_context():
        orphans = db.session.scalar(select(func.count()).select_from(Comment).where(
            Comment.author_id.is_(None), Comment.deleted_at.is_(None)))
        assert orphans == 0
        article = db.session.scalar(select(Article).where(Article.slug == "stay"))
        live = db.session.scalar(select(func.count()).select_from(Comment).where(
            Comment.article_id == article.id, Comment.deleted_at.is_(None)))
        likes = db.session.scalar(select(func.count()).select_from(Like))
        assert (article.comments_count, article.likes_count) == (live, likes)
