"""Deleting an account while others write, through the real server: never a 500.

A member's own writes (comments and likes from the API, a token in another
client) race their browser deleting the account; several accounts are
deleted at once. Whatever wins, nothing they wrote outlives the account as a
live comment without an author, and the counters still equal the rows.
"""

import pytest
import requests
from sqlalchemy import func, select
from test_concurrent_writes import ROUNDS, TIMEOUT, ApiClient, Browser, members, race, server_errors

from blog.extensions import db
from blog.models import Article, Comment, Like
from helpers import TEST_PASSWORD

# test_concurrent_writes' members, made in the live server's database (they hang up at the end).
racers = pytest.fixture(members.__wrapped__, name="racers")


@pytest.fixture
def leaving(live_server, racers, make_member):
    """ROUNDS members who will delete their accounts, made in the live server's database."""
    with live_server.app.app_context():
        made = [make_member(f"leaver{n}") for n in range(ROUNDS)]
        return [(m.username, m.email) for m in made]


def test_writes_racing_the_deletion_of_the_account_leave_no_orphans(
    live_server, racers, leaving
):
    author = ApiClient(live_server, racers[0][1])
    assert author.send("POST", "/api/articles", {"article": {
        "title": "Stay", "description": "d", "body": "Hi."}}) == 201
    apis = [[ApiClient(live_server, email) for _ in range(4)] for _, email in leaving]
    browsers = [Browser(live_server, name) for name, _ in leaving]
    replier = Browser(live_server, racers[1][0])
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


def test_accounts_deleted_at_once_never_fail(live_server, racers, make_member):
    """Each member commented on one article and liked the others; all delete their accounts at once.

    Every deletion moves the counters of several articles: locked as reached,
    two deletions took them in different orders and deadlocked (a 500).
    """
    with live_server.app.app_context():
        make_member("owner")
    owner = ApiClient(live_server, "owner@example.com")
    slugs = [f"shared-{n}" for n in range(6)]
    for n in range(len(slugs)):
        assert owner.send("POST", "/api/articles", {"article": {
            "title": f"Shared {n}", "description": "d", "body": "Hi."}}) == 201
    said = {}
    for n, (_, email) in enumerate(racers):
        api = ApiClient(live_server, email)
        mine = slugs[n % len(slugs)]
        for slug in slugs:
            if slug == mine:
                said[n] = api.http.post(f"{api.base}/api/articles/{slug}/comments", json={
                    "comment": {"body": "Mine"}}, timeout=TIMEOUT).json()["comment"]["id"]
            else:
                assert api.send("POST", f"/api/articles/{slug}/favorite") == 200
    browsers = [Browser(live_server, name) for name, _ in racers]
    for n, browser in enumerate(browsers):  # replies keep "[deleted]" placeholders around
        other = (n + 1) % len(browsers)
        assert browser.submit(f"/articles/{slugs[other % len(slugs)]}/comments", {
            "body": "Re", "parent_id": str(said[other])}).status_code == 302

    def leave(browser):
        def job(round_):
            if round_:
                return browser.http.get(browser.base + "/", timeout=TIMEOUT).status_code
            answer = browser.submit("/settings/delete", {"delete-password": TEST_PASSWORD})
            return answer.status_code
        return job

    answers = race([leave(browser) for browser in browsers])

    assert server_errors(answers) == []
    assert [statuses[0] for statuses in answers] == [302] * len(browsers)
    with live_server.app.app_context():
        for article in db.session.scalars(select(Article)):
            live = db.session.scalar(select(func.count()).select_from(Comment).where(
                Comment.article_id == article.id, Comment.deleted_at.is_(None)))
            likes = db.session.scalar(select(func.count()).select_from(Like).where(
                Like.article_id == article.id))
            assert (article.comments_count, article.likes_count, live, likes) == (0, 0, 0, 0)
