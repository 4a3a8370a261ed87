"""What the tests share: the test password, form and API clients, mail and page readers,
a live server, statement counting. Plain functions and classes; the fixtures that use
them live in tests/fixtures/ (loaded by conftest.py).
"""

import contextlib
import contextvars
import email
import email.policy
import re
import socket
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import event
from waitress.server import create_server

from blog.extensions import db

TEST_PASSWORD = "correct horse battery"


CHROMIUM = Path("/usr/bin/chromium")


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


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


LINK_PATTERN = re.compile(r"https?://\S+")


def _test_config(database_url, **overrides):
    config = {
        "TESTING": True,
        "BLOG_ENV": "testing",
        "SECRET_KEY": "a-test-secret-that-is-long-enough-to-pass",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BASE_URL": "http://localhost",
        "PASSWORD_HASH_PROFILE": "fast",
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
        "MAIL_SUPPRESS_SEND": False,  # Flask-Mail would swallow mail when TESTING
        "MAIL_DEFAULT_SENDER": "blog tests <no-reply@blog.test>",
    }
    config.update(overrides)
    return config


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


def page(response):
    """The text of a response: what the browser would render."""
    return response.get_data(as_text=True)


def text_of(message):
    """The plain-text part of a received email."""
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message, contains):
    """The first link in the email's text whose URL contains `contains`."""
    for url in LINK_PATTERN.findall(text_of(message)):
        if contains in url:
            return url
    raise AssertionError(f"No link with {contains!r} in: {text_of(message)}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.hostname = "127.0.0.1"
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname=self.hostname, port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


class FormClient:
    """The Flask test client, plus form posts that carry a CSRF token like a browser.

    Each request runs in an empty contextvars.Context. Otherwise Flask would
    reuse the app context the test holds open, and `g` (where Flask-Login keeps
    the current user and Flask-WTF the CSRF token) would leak from one request,
    or one browser, to the next.
    """

    def __init__(self, client):
        self.client = client

    def open(self, *args, **kwargs):
        return contextvars.Context().run(self.client.open, *args, **kwargs)

    def get(self, *args, **kwargs):
        return contextvars.Context().run(self.client.get, *args, **kwargs)

    def post(self, *args, **kwargs):
        return contextvars.Context().run(self.client.post, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.client, name)

    def csrf_token(self):
        page = self.get("/auth/reset")
        match = CSRF_PATTERN.search(page.get_data(as_text=True))
        assert match, "no CSRF token on the page"
        return match.group(1)

    def submit(self, url, data=None, **kwargs):
        """POST a form with a fresh CSRF token."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


class Auth:
    """Sign up, log in and out through the real pages."""

    def __init__(self, client):
        self.client = client

    def register(self, email="new@example.com", username="newbie", password=TEST_PASSWORD,
                 confirm=None, **kwargs):
        return self.client.submit(
            "/auth/register",
            {"email": email, "username": username, "password": password,
             "confirm": password if confirm is None else confirm},
            **kwargs,
        )

    def login(self, login="member1", password=TEST_PASSWORD, remember=False, **kwargs):
        data = {"login": login, "password": password}
        if remember:
            data["remember"] = "y"
        return self.client.submit("/auth/login", data, **kwargs)

    def logout(self):
        return self.client.submit("/auth/logout")


def stop_waitress(server, thread):
    """Stop a waitress server running in `thread`, with every connection it holds.

    close() alone only stops listening, and keep-alive connections would hold
    the loop open. The closing runs on the server's own thread (through its
    trigger): closing sockets from here while that thread waits in select()
    on them fails it with EBADF.
    """

    def close_everything():
        for channel in list(server._map.values()):
            channel.close()

    server.trigger.pull_trigger(close_everything)
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
        stop_waitress(self.server, self.thread)


@contextlib.contextmanager
def count_queries():
    """Count the SQL statements run inside the block: `with count_queries() as q: ...; len(q)`."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


ARTICLE_BODY = """Intro with a [local link](/about) and an [outside one](https://example.org/x).

```python
print("hi")
```

| Name | Count |
| ---- | ----: |
| one  | 1     |
"""


def article_form(
    title="Hello world", body=ARTICLE_BODY, tags="python web", button="publish", **fields
):
    """The editor form's fields, pressing `button`."""
    data = {"title": title, "body": body, "tags": tags, "description": "", "cover_url": ""}
    data.update(fields)
    data[button] = "x"
    return data


CARD_TITLE_PATTERN = re.compile(r'<h2 class="card-title"><a href="[^"]*">([^<]*)</a>')


ATOM = "{http://www.w3.org/2005/Atom}"


def json_headers(client):
    """What buttons.js sends: JSON wanted, the CSRF token in a header."""
    return {"Accept": "application/json", "X-CSRFToken": client.csrf_token()}


def card_titles(response):
    """The titles of the article cards on a page, top to bottom."""
    assert response.status_code == 200, response.status_code
    return CARD_TITLE_PATTERN.findall(response.get_data(as_text=True))


FOLLOW_BUTTON_PATTERN = re.compile(
    r'data-state-key="following".*?toggle-label">([^<]*)</span> '
    r'<span class="toggle-count">(\d+)</span>',
    re.DOTALL,
)


def follow_button(response):
    """The Follow button on a page as (label, followers count)."""
    match = FOLLOW_BUTTON_PATTERN.search(response.get_data(as_text=True))
    assert match, "no Follow button on the page"
    return match.group(1), int(match.group(2))


def parse_atom(response):
    """An Atom response as an ElementTree element (asserting its content type)."""
    from xml.etree import ElementTree

    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/atom+xml"
    return ElementTree.fromstring(response.get_data())  # noqa: S314 - our own output


def entry_titles(feed):
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def set_published_at(article, when):
    """Move an article's publication date, straight in its row (Top periods, ordering)."""
    from sqlalchemy import update

    from blog.models import Article

    db.session.execute(
        update(Article).where(Article.id == article.id).values(published_at=when)
    )
    db.session.commit()


def api_errors(response, status):
    """The {"errors": ...} of an error response, asserting its status and shape."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/json"
    errors = response.get_json()["errors"]
    assert errors and all(
        isinstance(messages, list) and all(isinstance(m, str) for m in messages)
        for messages in errors.values()
    ), errors
    return errors


def path_of(url):
    """The path of a link in an email (the tests' BASE_URL is http://localhost)."""
    return url.removeprefix("http://localhost")


def fresh(user):
    """`user` read again from the database, after another request changed it."""
    db.session.expire_all()
    return db.session.get(type(user), user.id)


def only(messages, to, subject):
    """The one message to `to` with `subject`."""
    matching = [m for m in messages if m["To"] == to and m["Subject"] == subject]
    assert len(matching) == 1, [(m["To"], m["Subject"]) for m in messages]
    return matching[0]


def move_account_with_stolen_token(api, make_client, deliver, owner_email, thief_email):
    """A thief with an API token moves the account to their address and confirms it.

    Returns (the stolen token, the notice the old address received).
    """
    stolen = api.login(owner_email)
    api.put("/api/user", {"user": {"email": thief_email}}, token=stolen)
    confirm = only(deliver(), thief_email, "Confirm your new email address")
    make_client().submit(path_of(link_in(confirm, "/settings/email/confirm/")))
    notice = only(deliver(), owner_email, "Your email address was changed")
    return stolen, notice
