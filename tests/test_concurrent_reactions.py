"""Likes, bookmarks, comments and follows racing on articles through the real server."""

from datetime import timedelta

import test_concurrent_writes
from sqlalchemy import func, select
from test_concurrent_writes import ROUNDS, TIMEOUT, ApiClient, Browser, race, server_errors

from blog.extensions import db
from blog.models import Article, Comment, Like, utcnow
from page_helpers import set_published_at

members = test_concurrent_writes.members  # the fixture: racing members who hang up at the end


def test_racing_reactions_comments_and_follows_on_one_article_never_fail(live_server, members):
    """Likes, bookmarks, comments, replies, follows and an edit, while the author deletes twice."""
    clients = [ApiClient(live_server, email) for _, email in members]
    again, editor = (ApiClient(live_server, members[0][1]) for _ in range(2))
    browsers = [Browser(live_server, name) for name, _ in members[:4]]
    author = clients[0]
    slugs = []
    for round_ in range(ROUNDS):
        assert author.send("POST", "/api/articles", {"article": {
            "title": f"Busy {round_}", "description": "d", "body": "Hi.",
            "tagList": [f"busy{round_}"]}}) == 201
        slugs.append(f"busy-{round_}")
    first_comment = {}
    for round_, slug in enumerate(slugs):
        response = author.http.post(f"{author.base}/api/articles/{slug}/comments",
                                    json={"comment": {"body": "Root"}}, timeout=TIMEOUT)
        first_comment[round_] = response.json()["comment"]["id"]

    def api_job(client, method, path, json=None):
        return lambda round_: client.send(method, path.format(slug=slugs[round_]), json)

    def page_job(browser, path, data=None):
        def job(round_):
            filled = {k: v.format(root=first_comment[round_]) for k, v in (data or {}).items()}
            return browser.submit(path.format(slug=slugs[round_]), filled).status_code
        return job

    jobs = [
        api_job(clients[1], "POST", "/api/articles/{slug}/favorite"),
        api_job(clients[2], "POST", "/api/articles/{slug}/comments", {"comment": {"body": "Hi"}}),
        api_job(clients[3], "POST", "/api/profiles/racer0/follow"),
        api_job(clients[4], "POST", "/api/articles/{slug}/favorite"),
        page_job(browsers[1], "/articles/{slug}/bookmark"),
        page_job(browsers[2], "/articles/{slug}/comments", {"body": "Re", "parent_id": "{root}"}),
        page_job(browsers[3], "/t/busy0/follow"),
        page_job(browsers[0], "/articles/{slug}/delete"),
        api_job(again, "DELETE", "/api/articles/{slug}"),
        api_job(editor, "PUT", "/api/articles/{slug}", {"article": {"tagList": ["new-tag"]}}),
        api_job(clients[5], "DELETE", "/api/articles/{slug}/favorite"),
    ]
    answers = race(jobs)

    assert server_errors(answers) == []
    allowed = {200, 201, 204, 302, 403, 404, 422}
    assert all(status in allowed for statuses in answers for status in statuses), answers
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Article)) == 0
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_racing_likes_keep_the_count_and_the_top_scores_exact(live_server, members):
    """Favorites on and off from 7 clients on one 8-day-old article, while the 8th publishes
    (each publication sweeps the Top periods): the counter and the scores equal the rows."""
    clients = [ApiClient(live_server, email) for _, email in members]
    assert clients[0].send("POST", "/api/articles", {"article": {
        "title": "Liked", "description": "d", "body": "Hi."}}) == 201
    with live_server.app.app_context():
        set_published_at(db.session.scalar(select(Article).filter_by(slug="liked")),
                         utcnow() - timedelta(days=8))

    def job(client, n):
        def run(round_):
            if n == 0:
                return client.send("POST", "/api/articles", {"article": {
                    "title": f"Sweeper {round_}", "description": "d", "body": "Hi."}})
            method = "POST" if (n + round_) % 2 else "DELETE"
            return client.send(method, "/api/articles/liked/favorite")
        return run

    assert server_errors(race([job(c, n) for n, c in enumerate(clients)])) == []
    with live_server.app.app_context():
        article = db.session.scalar(select(Article).filter_by(slug="liked"))
        likes = db.session.scalar(select(func.count()).select_from(Like).filter_by(
            article_id=article.id))
        assert (article.likes_count, article.top_month_likes, article.top_year_likes) == (
            likes, likes, likes)
        # Swept, or skipped while a like held the row (and then exact too).
        assert article.top_week_likes in (None, likes)
