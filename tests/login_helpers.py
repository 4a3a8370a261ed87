"""Helpers shared by the login-limit and login-link tests."""

import time
from urllib.parse import urlsplit

from helpers import CSRF_PATTERN, Auth, FormClient, link_in, page  # noqa: F401 - page: for the tests

NEW_PASSWORD = "a brand new passphrase"  # noqa: S105 - a test account's
LINK_BUTTON = "Email me a one-time login link"


def browser(app, ip="192.0.2.10"):
    """A browser of its own (cookie jar) at the address `ip`."""
    client = FormClient(app.test_client())
    client.client.environ_base["REMOTE_ADDR"] = ip
    return client


def limited_apps(make_app, smtp):
    """For a fixture: builds apps with login limits on (3 failures per account a minute,
    real SMTP), each with its app context pushed until the test ends."""

    def build(**overrides):
        settings = {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_LOGIN_PER_IP": "100 per minute",
            "RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT": "3 per minute",
            "MAIL_SERVER": smtp.hostname,
            "MAIL_PORT": smtp.port,
            **overrides,
        }
        app = make_app(**settings)
        context = app.app_context()
        context.push()
        contexts.append(context)
        return app

    contexts = []
    yield build
    for context in reversed(contexts):
        context.pop()


def stop_when_idle(server, timeout=5):
    """Stop the live server once its clients have hung up (closing a busy socket races waitress)."""
    deadline = time.monotonic() + timeout
    channels = server.server._map  # the listener, waitress's trigger and one per connection
    while len(channels) > 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.stop()


def guesses_until_locked(client, login="target", tries=6):
    """The statuses of wrong guesses at `login` from `client`."""
    return [Auth(client).login(login, "wrong guess").status_code for _ in range(tries)]


def deliver_all():
    from blog.domain.outbox import deliver_due

    deliver_due()


def link_for(client, mailbox, login="target"):
    """Ask for a login link from `client`; the path of the link that arrives."""
    client.submit("/auth/login-link", {"login": login})
    deliver_all()
    return urlsplit(link_in(mailbox.messages[-1], "/auth/login-link/")).path


def without_tokens(html):
    return CSRF_PATTERN.sub("", html)
