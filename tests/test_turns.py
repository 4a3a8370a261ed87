"""Requests take turns in the app (blog/web/turns.py), through the real server: one at a
time by default on SQLite, two on PostgreSQL; a password's hash and a kept page wait for
no turn.

The rest of the suite runs with no limit (tests/helpers.py): its tests hold requests
half-way to stage races, which turns would make wait for each other.
"""

import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from blog.domain import passwords
from server_helpers import LiveServer

WAIT = 5  # seconds: longer than any of these requests takes when it is not kept waiting


def serve(app):
    server = LiveServer(app)
    server.start()
    return server


def read(url):
    with urllib.request.urlopen(url, timeout=WAIT * 2) as answer:  # noqa: S310 - loopback
        return answer.read().decode(), answer.headers


def count_inside(app):
    """A slow page that notes how many requests were inside the app at once, at most."""
    seen = {"now": 0, "most": 0}
    lock = threading.Lock()

    @app.route("/test-only/slow")
    def slow():
        with lock:
            seen["now"] += 1
            seen["most"] = max(seen["most"], seen["now"])
        time.sleep(0.05)  # outside Python, as a slow statement would be
        with lock:
            seen["now"] -= 1
        return "done"

    return seen


@pytest.mark.parametrize("turns", [None, 1, 2, 0])
def test_only_as_many_requests_as_turns_run_the_app_at_once(make_app, database_url, turns):
    app = make_app(SERVER_APP_TURNS=turns)
    expected = {None: 1 if database_url.startswith("sqlite") else 2, 1: 1, 2: 2, 0: 0}[turns]
    assert app.extensions["app_turns"] == expected
    seen = count_inside(app)
    server = serve(app)  # 4 waitress threads
    try:
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(read, [f"{server.url}/test-only/slow"] * 12))
    finally:
        server.stop()
    assert [body for body, _ in answers] == ["done"] * 12
    if expected:
        assert seen["most"] == expected
    else:  # no limit: the four threads overlap
        assert seen["most"] > 2


def test_a_request_hashing_a_password_lets_the_next_one_in(make_app):
    app = make_app(SERVER_APP_TURNS=1)
    hashed, other_came = threading.Event(), threading.Event()

    @app.route("/test-only/hash")
    def hash_then_wait():
        passwords.hash_password("correct horse battery staple")
        hashed.set()
        # Only a request that entered meanwhile can set this.
        return "met" if other_came.wait(WAIT) else "alone"

    @app.route("/test-only/quick")
    def quick():
        other_came.set()
        return "quick"

    server = serve(app)
    try:
        with ThreadPoolExecutor(1) as pool:
            hashing = pool.submit(read, f"{server.url}/test-only/hash")
            assert hashed.wait(WAIT)
            assert read(f"{server.url}/test-only/quick")[0] == "quick"
            assert hashing.result()[0] == "met"
    finally:
        server.stop()


def test_a_kept_page_is_answered_while_the_turn_is_taken(make_app, make_article):
    make_article(title="Kept for visitors")
    app = make_app(SERVER_APP_TURNS=1, PAGE_CACHE=True)
    inside, release = threading.Event(), threading.Event()

    @app.route("/test-only/busy")
    def busy():
        inside.set()
        release.wait(WAIT)
        return "busy"

    server = serve(app)
    try:
        read(f"{server.url}/?tab=latest")  # built and kept
        with ThreadPoolExecutor(1) as pool:
            holding = pool.submit(read, f"{server.url}/test-only/busy")
            assert inside.wait(WAIT)
            started = time.monotonic()
            body, headers = read(f"{server.url}/?tab=latest")
            waited = time.monotonic() - started
            release.set()
            assert holding.result()[0] == "busy"
    finally:
        release.set()
        server.stop()
    assert "Kept for visitors" in body
    assert headers["X-Page-Cache"] == "hit"
    assert waited < WAIT / 2  # it did not wait for the busy request to end


@pytest.mark.parametrize("work", ["hash a password", "search", "count an API list"])
def test_long_work_outside_python_gives_the_turn_up(make_app, make_article, database_url,
                                                   work):
    from sqlalchemy import select

    from blog import runtime
    from blog.domain import listing, search
    from blog.models import Article

    make_article(title="Turns in the database", body="Rankings are counted.")
    app = make_app(SERVER_APP_TURNS=1)
    held = {}

    @app.route("/test-only/work")
    def do_work():
        held["before"] = runtime.holds_turn()
        if work == "hash a password":
            passwords.hash_password("correct horse battery staple")
        elif work == "search":
            assert search.articles("rankings").count == "1"
        else:  # a wait on PostgreSQL; on SQLite this process's millisecond or two
            assert listing.count(select(Article.id), 10_000) == 1
        held["after"] = runtime.holds_turn()
        return "done"

    assert app.test_client().get("/test-only/work").text == "done"
    kept = work == "count an API list" and database_url.startswith("sqlite")
    assert held == {"before": True, "after": kept}
