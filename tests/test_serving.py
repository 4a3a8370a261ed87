"""How waitress serves the app (blog/serving.py): threads, and slow clients held off."""

import contextlib
import gc
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import warnings
import weakref
from pathlib import Path

import pytest
import waitress.server

from blog import serving
from server_helpers import SERVING_LINE, stop_waitress

ROOT = Path(__file__).resolve().parents[1]


# Half a request line and half a header, as slowloris sends them: never finished.
SLOW_START = (b"GET / HTTP/1.1\r\n", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wait: ", b"GE")


def test_threads_come_from_the_setting(monkeypatch):
    monkeypatch.setattr(serving, "THREADS_ARE_SAFE", True)
    monkeypatch.delenv("THREADS", raising=False)
    assert serving.worker_threads() == serving.DEFAULT_THREADS
    monkeypatch.setenv("THREADS", "3")
    assert serving.worker_threads() == 3
    assert serving.worker_threads(5) == 5


def test_python_311_serves_with_one_thread_and_says_why(monkeypatch):
    monkeypatch.setattr(serving, "THREADS_ARE_SAFE", False)
    with pytest.warns(RuntimeWarning, match="serving with one"):
        assert serving.worker_threads(8) == 1
    # One thread asked for is one thread, without a warning.
    assert serving.worker_threads(1) == 1


@contextlib.contextmanager
def running(server):
    """Run a waitress server in a thread; yields its port, closes every connection after."""
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        stop_waitress(server, thread)


@contextlib.contextmanager
def idle_clients(port, count):
    """`count` connections that send nothing, or a request that never ends (every other one)."""
    sockets = []
    try:
        for n in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sockets.append(sock)
            if n % 2:
                sock.sendall(SLOW_START[n % len(SLOW_START)])
        time.sleep(0.3)  # let the server take them in before the real visitor comes
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def get(port, path="/", timeout=3):
    """GET path on a new connection; returns (status, seconds it took)."""
    began = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - began
    finally:
        connection.close()


def test_200_idle_connections_do_not_keep_a_visitor_out(make_app):
    app = make_app()
    server = serving.create_server(app, "127.0.0.1", 0)
    with running(server) as port, idle_clients(port, 200):
        status, took = get(port)
    assert status == 200
    assert took < 2, f"answered after {took:.1f} s"


def test_with_waitress_defaults_200_idle_connections_keep_a_visitor_out(make_app):
    """What the settings above prevent: waitress's own limit of 100 connections is full."""
    app = make_app()
    server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=4)
    with running(server) as port, idle_clients(port, 200), pytest.raises(TimeoutError):
        get(port, timeout=2)


def test_silent_and_slow_connections_are_closed_after_the_channel_timeout(make_app):
    app = make_app(SERVER_CONNECTION_LIMIT=50, SERVER_CHANNEL_TIMEOUT=1,
                   SERVER_CLEANUP_INTERVAL=1)
    server = serving.create_server(app, "127.0.0.1", 0)
    with running(server) as port, idle_clients(port, 60) as sockets:
        # The limit is full: the visitor waits until the idle ones are dropped.
        status, took = get(port, timeout=6)
        assert status == 200
        assert 0.5 < took < 4, f"answered after {took:.1f} s"
        for sock in sockets[:10]:
            sock.settimeout(3)
            assert sock.recv(100) == b"", "an idle connection was left open"


def test_settings_come_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("SERVER_CONNECTION_LIMIT", "300")
    monkeypatch.setenv("SERVER_CHANNEL_TIMEOUT", "45")
    monkeypatch.setenv("SERVER_CLEANUP_INTERVAL", "7")
    options = serving.server_options(make_app().config)
    assert options["connection_limit"] == 300
    assert options["channel_timeout"] == 45
    assert options["cleanup_interval"] == 7
    # poll(), not select(): descriptors past 1024 would crash select().
    assert options["asyncore_use_poll"] is True


def test_defaults_survive_a_slow_client_attack(make_app):
    options = serving.server_options(make_app().config)
    assert options["connection_limit"] >= 1000
    assert options["channel_timeout"] <= 30
    assert options["cleanup_interval"] <= 10


@pytest.mark.parametrize(("wanted", "soft", "hard", "planned"), [
    (1000, 20000, 20000, (None, 1000)),   # room enough: nothing to change
    (1000, 1024, 524288, (1100, 1000)),   # the soft limit is raised as far as needed
    (1000, 1024, 1024, (None, 924)),      # the hard limit is too low: fewer connections
    (1000, 256, 600, (600, 500)),         # both: raise to the hard limit, fewer connections
])
def test_the_open_file_limit_is_raised_or_the_connections_fit_it(wanted, soft, hard, planned):
    assert serving.plan_open_files(wanted, soft, hard) == planned


def test_serving_raises_a_low_open_file_limit():
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 1000 + serving.RESERVED_FILES
    if hard != resource.RLIM_INFINITY and hard < needed:
        pytest.fail(f"this machine's hard open-file limit ({hard}) is below {needed}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
    try:
        assert serving.fit_connection_limit(1000) == 1000
        assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= needed
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_the_server_prints_each_log_line_once(tmp_path):
    """Under `python wsgi.py`: waitress's basicConfig must not print our lines a second time."""
    # A key of its own: development would otherwise write instance/dev-secret-key, which
    # the other database's run, side by side in .ci/run, may be writing at that moment.
    env = {**os.environ, "PORT": "0", "BLOG_ENV": "development", "ACCESS_LOG": "1",
           "SECURITY_LOG_FILE": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "SECRET_KEY": "a-test-secret-that-is-long-enough-to-pass", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
        [sys.executable, str(ROOT / "wsgi.py")], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        request_id = None
        served = None  # it binds a free port and says which
        while served is None and (line := server.stdout.readline()):
            served = SERVING_LINE.search(line)
        assert served, "wsgi.py did not say where it serves"
        port = int(served.group(1))
        for _ in range(100):
            try:
                with urllib.request.urlopen(  # noqa: S310 - our own loopback server
                    urllib.request.Request(f"http://127.0.0.1:{port}/auth/logout",
                                           method="POST"), timeout=5) as answer:
                    request_id = answer.headers["X-Request-Id"]
            except urllib.error.HTTPError as refused:  # 400: no CSRF token, as meant
                request_id = refused.headers["X-Request-Id"]
            except OSError:
                time.sleep(0.1)
                continue
            break
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert request_id, stderr
    lines = [line for line in stderr.splitlines() if request_id in line]
    assert len(lines) == 2, stderr  # the csrf.failed event and the access line, once each
    assert '"event": "csrf.failed"' in lines[0]
    assert f"{request_id} POST /auth/logout 400" in lines[1]


def test_what_starting_built_is_set_aside_from_the_garbage_collector(make_app):
    # A full collection walked every object the app's start had built, each time,
    # with every thread held: tens of milliseconds in some request's answer.
    with warnings.catch_warnings():  # earlier tests' garbage, finalized here: not ours
        warnings.simplefilter("ignore")
        gc.collect()
    frozen_before = gc.get_freeze_count()
    app = make_app()
    client = app.test_client()
    assert client.get("/").status_code == 200
    built = len(gc.get_objects())  # what a full collection walks now, the app's included

    class Cycle:
        pass

    garbage = Cycle()
    garbage.itself = garbage
    gone = weakref.ref(garbage)
    del garbage
    try:
        serving.set_startup_objects_aside()
        assert gone() is None  # garbage left from starting is freed, not frozen for good
        assert gc.get_freeze_count() > frozen_before
        assert built > 100_000 and len(gc.get_objects()) < 1_000  # what a collection walks
        assert client.get("/").status_code == 200  # and the app serves on as before
    finally:
        gc.unfreeze()  # the rest of the suite collects as usual
