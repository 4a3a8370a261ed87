"""The servers tests run on loopback: an SMTP server and its mailbox, the app under
waitress, a Redis of a test's own, and how the browser tests start chromium. The
fixtures that start them live in tests/fixtures/ (mail.py, web.py, browser.py).
"""

import contextlib
import email
import email.policy
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from flask import has_app_context
from waitress.channel import HTTPChannel
from waitress.server import create_server

from blog.extensions import db
from helpers import RUN_FOLDERS

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # No internet here: keep chromium from calling out.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


BROWSER_TIMEOUT_MS = 10_000  # for every wait on a page: fail fast instead of Playwright's 30 s


class Mailbox:
    """What the loopback SMTP server received, as parsed email messages."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def to(self, address):
        """Messages sent to `address`, oldest first."""
        return [m for m in self.messages if address.lower() in m["To"].lower()]

    def wait_for(self, count, timeout=10):
        """Wait until `count` messages arrived; returns them."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _AnyPortController(Controller):
    """aiosmtpd's server, also on port 0: the port the system gave is read off the bound
    socket (a port picked first, then bound, could be taken in between by another test
    run on the machine). _trigger_server is aiosmtpd's own hook, not its public API:
    checked against the version requirements-dev.txt pins (1.4.6)."""

    def _trigger_server(self):  # called once the server listens, before it is first used
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpServer:
    """A loopback SMTP server and its mailbox: on `port`, or on a free one (0)."""

    def __init__(self, port=0):
        self.hostname = "127.0.0.1"
        self.port = port
        self.mailbox = Mailbox()
        self.controller = None

    def start(self):
        self.controller = _AnyPortController(self.mailbox, hostname=self.hostname,
                                             port=self.port)
        self.controller.start()
        self.port = self.controller.port

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


class OwnRedis:
    """A redis-server of a test's own on loopback, for tests that stop it or change its
    settings (not the machine's, which other tests share).

    A free port is picked, then bound by redis-server a moment later: the other test
    run on the machine could take it in between. So start() asks the server that
    answers for its process id, and on another port tries again when it is not ours.
    A later start() (after kill()) comes back on the same port, as an app set up with
    it expects.
    """

    TRIES = 5

    def __init__(self, folder):
        self.folder, self.port, self.process = folder, None, None

    @property
    def uri(self):
        return f"redis://127.0.0.1:{self.port}"

    def start(self):
        for _ in range(1 if self.port else self.TRIES):
            port = self.port or free_port()
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--daemonize", "no", "--dir", str(self.folder)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._answers_on(port):
                self.port = port
                return
            self.kill()
        pytest.fail(f"redis-server did not start (port {self.port or 'picked'} taken?)")

    def _answers_on(self, port, timeout=10):
        """Whether our redis-server answers on `port` (not another process's)."""
        client = redis.Redis(port=port, socket_timeout=2)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline and self.process.poll() is None:
                with contextlib.suppress(redis.ConnectionError):
                    return client.info("server")["process_id"] == self.process.pid
                time.sleep(0.05)
            return False
        finally:
            client.close()

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def stop_waitress(server, thread):
    """Stop a waitress server running in `thread`, with every connection it holds.

    close() alone only stops listening, and keep-alive connections would hold
    the loop open. The closing runs on the server's own thread (through its
    trigger): closing sockets from here while that thread waits in select()
    on them fails it with EBADF.
    """

    def close_everything():
        for channel in list(server._map.values()):
            # A connection's handle_close() also closes what it still had to send: a
            # static file waitress sends itself (wsgi.file_wrapper) would otherwise be
            # left to the garbage collector, whose ResourceWarning failed a browser test
            # once (the favicon, on a page the test had just closed).
            if isinstance(channel, HTTPChannel):
                channel.handle_close()
            else:
                channel.close()

    # The loop closes its own trigger when poll() reports the pipe gone; seen once in
    # a full CI run (not alone), after 200 connections closed at once. Nothing can
    # wake the loop then, so close from here: it uses poll(), which tolerates that.
    if server.trigger._closed:
        close_everything()
    else:
        try:
            server.trigger.pull_trigger(close_everything)
        except OSError:
            close_everything()
    thread.join(timeout=5)
    server.task_dispatcher.shutdown()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = create_server(app, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        app.config["BASE_URL"] = self.url
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        """Stop serving; the test's session then reads what the server wrote, not what it kept."""
        stop_waitress(self.server, self.thread)
        if has_app_context():
            # Objects a test loaded before keep their old columns in the identity map
            # (while a reference cycle keeps them alive), so a count read would be stale.
            db.session.expire_all()


def stop_when_idle(server, timeout=5):
    """Stop the live server once its clients have hung up (closing a busy socket races waitress)."""
    deadline = time.monotonic() + timeout
    channels = server.server._map  # the listener, waitress's trigger and one per connection
    while len(channels) > 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.stop()


def wait_for_port(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server on port {port} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    pytest.fail(f"nothing answered on port {port} within {timeout} s")


@contextlib.contextmanager
def wsgi_servers(count, database_url, tmp_path, **settings):
    """`count` processes running `python wsgi.py` in production mode; yields their ports.

    Each binds a free port itself (PORT=0) and says which: a port chosen here and bound
    a second later could meanwhile go to another test run's server (.ci/run runs two).
    """
    processes, logs = [], []
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(BLOG_ENV="production", SECRET_KEY="a-test-secret-that-is-long-enough-to-pass",
               DATABASE_URL=database_url, HOST="127.0.0.1", PORT="0", THREADS="2",
               **RUN_FOLDERS, **settings)
    try:
        for n in range(count):
            logs.append(tmp_path / f"server{n}.log")
            with logs[-1].open("w") as log:
                processes.append(subprocess.Popen(
                    [sys.executable, "wsgi.py"], cwd=ROOT, env=env,
                    stdout=log, stderr=subprocess.STDOUT,
                ))
        yield [port_served(process, log) for process, log in zip(processes, logs, strict=True)]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


SERVING_LINE = re.compile(r"^Serving .* at http://[^:/]+:(\d+) ", re.MULTILINE)


def port_served(process, log, timeout=30):
    """The port `python wsgi.py` says it serves on (its first line, written to `log`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = SERVING_LINE.search(log.read_text())
        if found:
            return int(found.group(1))
        if process.poll() is not None:
            pytest.fail(f"wsgi.py exited with {process.returncode}:\n{log.read_text()}")
        time.sleep(0.1)
    pytest.fail(f"wsgi.py said nothing of serving within {timeout} s:\n{log.read_text()}")


def read_page(url, headers=None):
    """GET `url` on the loopback server: (body as text, headers)."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - our http:// URL
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.read().decode(), response.headers
