"""Two server processes on one database (SQLite in WAL mode, or PostgreSQL) with Redis.

What a self-hoster gets from `python wsgi.py` run twice behind a proxy: counters that
stay exact when both processes change them at once, every email sent once although
both run an outbox worker, and (tests/test_redis_limits.py, test_redis_page_cache.py)
rate limits and cached pages shared through Redis.
"""

import http.client
import json
import threading
import time

from sqlalchemy import func, select

from blog.domain.articles import create_article
from blog.extensions import db
from blog.models import Follow, Like
from helpers import TEST_PASSWORD
from server_helpers import wsgi_servers


def call(port, method, path, body=None, token=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    try:
        connection.request(method, path, json.dumps(body) if body else None, headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def at_once(jobs):
    """Run every job in its own thread, all released together; returns their results."""
    start, results = threading.Barrier(len(jobs)), [None] * len(jobs)

    def run(n, job):
        start.wait()
        results[n] = job()

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_counters_stay_exact_when_two_processes_change_them_at_once(
        database_url, shared_redis, key_prefix, tmp_path, make_app, make_member):
    settings = {"RATELIMIT_STORAGE_URI": shared_redis, "RATELIMIT_KEY_PREFIX": key_prefix,
                "PAGE_CACHE_URL": shared_redis, "PAGE_CACHE_KEY_PREFIX": key_prefix}
    app = make_app(**settings)
    with app.app_context(), wsgi_servers(2, database_url, tmp_path, **settings) as ports:
        author = make_member("ada")
        article = create_article(author, "Counted", "", "Body", "", "", publish=True)
        slug = article.slug  # the threads below have no app context to load it in
        readers = [make_member(f"reader{n}") for n in range(8)]
        tokens = [call(ports[n % 2], "POST", "/api/users/login", {"user": {
            "email": reader.email, "password": TEST_PASSWORD}})[1]["user"]["token"]
            for n, reader in enumerate(readers)]

        def favorite(n, method="POST"):
            return lambda: call(ports[n % 2], method, f"/api/articles/{slug}/favorite",
                                token=tokens[n])[0]

        def follow(n):
            return lambda: call(ports[(n + 1) % 2], "POST", "/api/profiles/ada/follow",
                                token=tokens[n])[0]

        assert at_once([favorite(n) for n in range(8)] + [follow(n) for n in range(8)]) == (
            [200] * 16)
        assert at_once([favorite(n, "DELETE") for n in range(0, 8, 2)]) == [200] * 4

        for port in ports:
            _, body = call(port, "GET", f"/api/articles/{slug}")
            assert body["article"]["favoritesCount"] == 4, port
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(Like)) == 4
        assert db.session.scalar(select(func.count()).select_from(Follow)) == 8
        db.session.refresh(article)
        assert article.likes_count == 4


def test_every_email_goes_out_once_from_two_processes(database_url, shared_redis, key_prefix,
                                                      tmp_path, smtp):
    settings = {"RATELIMIT_STORAGE_URI": shared_redis, "RATELIMIT_KEY_PREFIX": key_prefix,
                "MAIL_SERVER": smtp.hostname, "MAIL_PORT": str(smtp.port),
                "MAIL_POLL_SECONDS": "1"}
    with wsgi_servers(2, database_url, tmp_path, **settings) as ports:
        def sign_up(n):
            return lambda: call(ports[n % 2], "POST", "/api/users", {"user": {
                "username": f"new{n}", "email": f"new{n}@example.com",
                "password": TEST_PASSWORD}})[0]

        assert at_once([sign_up(n) for n in range(6)]) == [201] * 6
        deadline = time.monotonic() + 20
        while len(smtp.mailbox.messages) < 6 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2)  # both workers have polled again since: a second copy would be here
        recipients = sorted(message["To"] for message in smtp.mailbox.messages)
        assert recipients == [f"new{n}@example.com" for n in range(6)]
