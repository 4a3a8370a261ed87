"""Requests take turns in the app (blog/web/turns.py), through the real server: one at a
time by default on SQLite, two on PostgreSQL; a password's hash and a kept page wait for
no turn.

The rest of the suite runs with no limit (tests/helpers.py): its tests hold requests
half-way to stage races, which turns would make wait for each other.
"""

import signal
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from blog.domain import passwords
from blog.web.turns import FirstComeGate
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


@pytest.mark.parametrize("work", ["hash a password", "search", "count an API list",
                                  "re-encode a picture"])
def test_long_work_outside_python_gives_the_turn_up(make_app, make_article, database_url,
                                                   work):
    from sqlalchemy import select

    from blog import runtime
    from blog.domain import filtered_lists, pictures, search
    from blog.models import Article
    from picture_helpers import picture

    make_article(title="Turns in the database", body="Rankings are counted.")
    app = make_app(SERVER_APP_TURNS=1)
    held = {}

    @app.route("/test-only/work")
    def do_work():
        held["before"] = runtime.held_turn() is not None
        if work == "hash a password":
            passwords.hash_password("correct horse battery staple")
        elif work == "search":
            assert search.articles("rankings").count == "1"
        elif work == "re-encode a picture":
            assert pictures.encode(picture(), "avatar")
        else:  # a wait on PostgreSQL; on SQLite this process's millisecond or two
            assert filtered_lists.count(select(Article.id), 10_000) == 1
        held["after"] = runtime.held_turn() is not None
        return "done"

    assert app.test_client().get("/test-only/work").text == "done"
    kept = work == "count an API list" and database_url.startswith("sqlite")
    assert held == {"before": True, "after": kept}


def test_a_reader_is_answered_while_a_writer_waits_for_another(make_app, make_member):
    """A writer waiting for the one before it gives its turn up (SQLite: our writer lock;
    PostgreSQL: the second turn), so a request that only reads is not held up."""
    from sqlalchemy import text

    from blog.extensions import db
    from blog.runtime import give_up_turn

    app = make_app(SERVER_APP_TURNS=None)  # the default: 1 on SQLite, 2 on PostgreSQL
    with app.app_context():
        member_id = make_member("ada").id
    touch = text("UPDATE users SET bio = bio WHERE id = :id")
    first_wrote = threading.Event()

    @app.route("/test-only/long-write")
    def long_write():  # as deleting an account: the password's check gave the turn up
        give_up_turn()
        db.session.execute(touch, {"id": member_id})
        first_wrote.set()
        time.sleep(1.5)
        db.session.commit()
        return "long"

    @app.route("/test-only/write")
    def write():
        db.session.execute(touch, {"id": member_id})
        db.session.commit()
        return "wrote"

    @app.route("/test-only/read")
    def read_only():
        return str(db.session.execute(text("SELECT count(*) FROM users")).scalar())

    server = serve(app)
    try:
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(read, f"{server.url}/test-only/long-write")
            assert first_wrote.wait(WAIT)
            second = pool.submit(read, f"{server.url}/test-only/write")
            time.sleep(0.3)  # the second writer is waiting now
            started = time.monotonic()
            assert read(f"{server.url}/test-only/read")[0] == "1"
            waited = time.monotonic() - started
            assert [first.result()[0], second.result()[0]] == ["long", "wrote"]
    finally:
        server.stop()
    assert waited < 0.8  # not the rest of the first writer's 1.5 s


def test_the_app_called_from_its_own_request_keeps_one_turn(make_app):
    app, other = make_app(SERVER_APP_TURNS=1), make_app(SERVER_APP_TURNS=1)

    @app.route("/test-only/inner")
    def inner():
        return "inner"

    @other.route("/test-only/elsewhere")
    def elsewhere():
        return "elsewhere"

    @app.route("/test-only/outer")
    def outer():
        return (app.test_client().get("/test-only/inner").text + " "
                + other.test_client().get("/test-only/elsewhere").text)

    assert within_wait(lambda: app.test_client().get("/test-only/outer").text) == \
        "inner elsewhere"
    # Both apps let the next request in: no turn was kept.
    for each in (app, other):
        assert within_wait(lambda app=each: app.test_client().get("/").status_code) == 200


def within_wait(call):
    """call()'s result, on a thread of its own; fails (not hangs) after WAIT seconds."""
    answers = []
    thread = threading.Thread(target=lambda: answers.append(call()), daemon=True)
    thread.start()
    thread.join(WAIT)
    assert answers, "still waiting for a turn"
    return answers[0]


def wait_until(condition):
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_a_freed_turn_goes_to_the_longest_waiter_not_to_a_newcomer():
    """Python's semaphore let a request arriving just as a turn was freed take it; the
    one woken for it waited again, from the back of the queue (the writes' p99)."""
    gate = FirstComeGate(1)
    gate.acquire()
    entered = []

    def take_a_turn(name):
        gate.acquire()
        entered.append(name)
        gate.release()

    waiters = []
    for number, name in enumerate(["first waiter", "second waiter"], start=1):
        waiters.append(threading.Thread(target=take_a_turn, args=(name,)))
        waiters[-1].start()
        wait_until(lambda number=number: gate.waiting == number)
    gate.release()
    gate.acquire()  # a newcomer, asking the moment the turn is free
    entered.append("newcomer")
    gate.release()
    for waiter in waiters:
        waiter.join(WAIT)
    assert entered == ["first waiter", "second waiter", "newcomer"]


def test_a_waiter_interrupted_by_a_signal_leaves_no_turn_taken():
    """A waiting thread stopped by an exception (Ctrl-C, a signal's handler) leaves the
    queue: the turn is not handed to a thread that is gone."""
    gate = FirstComeGate(1)
    taken, done = threading.Event(), threading.Event()

    def hold():
        gate.acquire()
        taken.set()
        done.wait(WAIT)
        gate.release()

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(WAIT)

    class Interrupted(Exception):
        pass

    def interrupt(signum, frame):
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        with pytest.raises(Interrupted):
            gate.acquire()  # the main thread, where signals are handled
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert gate.waiting == 0
    done.set()
    holder.join(WAIT)
    later = threading.Thread(target=gate.acquire, daemon=True)
    later.start()
    later.join(WAIT)
    assert not later.is_alive()  # it got the turn the holder gave back


def test_a_gate_refuses_a_turn_given_back_that_nobody_held():
    gate = FirstComeGate(2)
    gate.acquire()
    gate.release()
    with pytest.raises(ValueError):
        gate.release()


def test_requests_enter_the_app_in_the_order_they_arrived(make_app):
    app = make_app(SERVER_APP_TURNS=1)
    gate = app.extensions["app_turn_gate"]
    inside, release = threading.Event(), threading.Event()
    entered = []

    @app.route("/test-only/hold")
    def hold():
        inside.set()
        release.wait(WAIT)
        return "held"

    @app.route("/test-only/enter/<name>")
    def enter(name):
        entered.append(name)
        return name

    server = serve(app)  # 4 waitress threads: the holder and three waiting
    try:
        with ThreadPoolExecutor(4) as pool:
            holding = pool.submit(read, f"{server.url}/test-only/hold")
            assert inside.wait(WAIT)
            queued = []
            for number, name in enumerate(["ada", "brian", "chen"], start=1):
                queued.append(pool.submit(read, f"{server.url}/test-only/enter/{name}"))
                wait_until(lambda number=number: gate.waiting == number)
            release.set()
            assert holding.result()[0] == "held"
            assert [answer.result()[0] for answer in queued] == ["ada", "brian", "chen"]
    finally:
        release.set()
        server.stop()
    assert entered == ["ada", "brian", "chen"]
