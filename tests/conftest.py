"""Shared fixtures: a real database, a real SMTP server, a live server, and helpers.

The database is SQLite unless DATABASE_URL names PostgreSQL; either way each
run creates its own throw-away database, migrates it once with our Alembic
history, empties it after every test and drops it at the end.
"""

import contextlib
import contextvars
import email
import email.policy
import os
import re
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from api_contract import ApiClient
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from sqlalchemy import create_engine, delete, event, make_url, text
from waitress.server import create_server

from blog import create_app
from blog.accounts import create_user
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


# --- database -----------------------------------------------------------------


def _requested_database():
    return os.environ.get("DATABASE_URL", "")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The URL of this run's own database, migrated to the newest schema."""
    requested = _requested_database()
    if requested.startswith(("postgres://", "postgresql")):
        server = make_url(requested).set(drivername="postgresql+psycopg")
        name = f"blog_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
        _migrate(url)
        yield url
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "blog.sqlite3")
        _migrate(url)
        yield url


def _migrate(url):
    app = create_app(_test_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


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


def _empty_all_tables():
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.commit()


@pytest.fixture
def make_app(database_url):
    """Build apps on this run's database; every table is emptied after the test."""
    apps = []

    def factory(**overrides):
        app = create_app(_test_config(database_url, **overrides))
        apps.append(app)
        return app

    yield factory
    for app in apps:
        worker = app.extensions.get("mail_worker")
        if worker:
            worker.stop()
    with apps[0].app_context() if apps else factory().app_context():
        _empty_all_tables()
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app, smtp):
    """The app under test, sending real email to the loopback SMTP server."""
    app = make_app(MAIL_SERVER=smtp.hostname, MAIL_PORT=smtp.port)
    with app.app_context():
        yield app


# --- email ----------------------------------------------------------------------


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


@pytest.fixture(scope="session")
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server):
    """The running loopback SMTP server, its mailbox emptied for this test."""
    if smtp_server.controller is None:
        smtp_server.start()
    smtp_server.mailbox.clear()
    return smtp_server


@pytest.fixture
def mailbox(smtp):
    return smtp.mailbox


@pytest.fixture
def deliver(app, mailbox):
    """Flush the outbox through SMTP, as the worker would; returns what arrived."""
    from blog.outbox import deliver_due

    def run():
        deliver_due()
        return list(mailbox.messages)

    return run


# --- HTTP helpers -----------------------------------------------------------------


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


@pytest.fixture
def client(app):
    return FormClient(app.test_client())


@pytest.fixture
def make_client(app):
    """Another browser: its own cookie jar."""
    return lambda: FormClient(app.test_client())


@pytest.fixture
def make_member(database_url):
    """Create a verified (or not) member directly in the database of the current app.

    It deliberately does not build an app of its own: Flask-Limiter keeps one
    state per Limiter, so a second app would switch the first one's limits.
    """
    counter = iter(range(1, 10_000))

    def factory(username=None, password=TEST_PASSWORD, verified=True, **fields):
        username = username or f"member{next(counter)}"
        user = create_user(
            fields.pop("email", f"{username}@example.com"), username, password, verified=verified
        )
        for key, value in fields.items():
            setattr(user, key, value)
        db.session.commit()
        return user

    return factory


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


@pytest.fixture
def auth(client):
    return Auth(client)


# --- a live server for the browser ---------------------------------------------------


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
        # close() only stops listening; keep-alive connections would hold the
        # loop open, so close them too. The closing runs on the server's own
        # thread (through its trigger): closing sockets from here while that
        # thread waits in select() on them fails it with EBADF.
        def close_everything():
            for channel in list(self.server._map.values()):
                channel.close()

        self.server.trigger.pull_trigger(close_everything)
        self.thread.join(timeout=5)
        self.server.task_dispatcher.shutdown()


@pytest.fixture
def live_server(make_app):
    """The app served by waitress on a free loopback port, with its mail worker.

    Mail goes to the dev mailbox (/dev/mail), as on `make run`.
    """
    from blog.outbox import start_worker

    app = make_app(MAIL_POLL_SECONDS=0.5)
    server = LiveServer(app)
    start_worker(app)
    server.start()
    yield server
    server.stop()


# --- articles -----------------------------------------------------------------------


@pytest.fixture
def make_article(app, make_member):
    """Save an article through blog.articles; the author is a new member unless given."""
    from blog.articles import create_article

    def factory(author=None, title="Hello world", body="Some *Markdown*.", tags="",
                description="", cover_url="", publish=True):
        return create_article(
            author or make_member(), title, description, body, tags, cover_url, publish
        )

    return factory


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


# --- articles ---------------------------------------------------------------------------

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


@pytest.fixture
def writer(make_member, auth):
    """member1, logged in on `client`."""
    user = make_member("member1")
    auth.login()
    return user


# --- feeds -------------------------------------------------------------------------------

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


@pytest.fixture
def reader(make_member, auth):
    """"reader", a verified member logged in on `client`."""
    user = make_member("reader")
    auth.login("reader")
    return user


@pytest.fixture
def make_articles(make_article, make_member):
    """`count` published articles by `author` titled "<title> 1", "<title> 2"..., oldest first."""

    def factory(count, author=None, title="Article", tags=""):
        author = author or make_member()
        return [
            make_article(author=author, title=f"{title} {n}", tags=tags)
            for n in range(1, count + 1)
        ]

    return factory


@pytest.fixture
def list_statement_counts(client, auth, make_member, make_article):
    """How many SQL statements GET `url` runs when its list holds 1 article, then 20.

    "author" writes every article with the tag "python"; "reader" follows
    "author", likes and bookmarks each article: so each one is on every list.
    """
    from blog import follows, reactions

    reader, author = make_member("reader"), make_member("author")
    follows.follow(reader, author)

    def measure(url, logged_in=True):
        if logged_in:
            auth.login("reader")
        counts, written = [], 0
        for total in (1, 20):
            for _ in range(total - written):
                article = make_article(author=author, title="Counted", tags="python")
                reactions.like(reader, article)
                reactions.bookmark(reader, article)
            written = total
            with count_queries() as queries:
                response = client.get(url)
            assert response.status_code == 200, response.status_code
            assert response.get_data(as_text=True).count(">Counted<") == total
            counts.append(len(queries))
        return counts

    return measure


# --- the browser (Playwright driving Debian's chromium) ------------------------------------


@pytest.fixture(scope="module")
def browser():
    """One headless chromium for the module; every test gets fresh contexts in it."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(apt-get install chromium).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a new context (its own cookies); everything is closed after the test.

    It depends on live_server so that the browser hangs up before the server stops:
    waitress waits for open keep-alive connections when it shuts down.
    """
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(**context_options)
        context.set_default_timeout(BROWSER_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


# --- the JSON API ------------------------------------------------------------------------


@pytest.fixture
def api(app):
    return ApiClient(app.test_client())


@pytest.fixture
def api_member(make_member, api):
    """A member (verified unless told) and their API token: (user, token)."""

    def factory(username=None, **fields):
        user = make_member(username, **fields)
        return user, api.login(user.email)

    return factory


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
