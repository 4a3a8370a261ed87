"""What the tests share: the test passwords, the app's test config, form clients and
logins, page, mail and security-event readers, statement counting, and the login-limit
tests' steps. Plain functions and classes; the fixtures that use them live in
tests/fixtures/ (loaded by conftest.py). Also: server_helpers.py (SMTP, the live
server, chromium) and page_helpers.py (articles, lists, feeds).
"""

import atexit
import contextlib
import contextvars
import json
import os
import re
import shutil
import tempfile
import time
from urllib.parse import urlsplit

from sqlalchemy import event, select

from blog.extensions import db

TEST_PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"
THIEF_PASSWORD = "the thief chose this one"


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


LINK_PATTERN = re.compile(r"https?://\S+")

# This run's own folders for uploaded pictures and members' exports, never the work
# tree's instance/. .ci/run runs the suite on SQLite and on PostgreSQL side by side: in
# shared folders one run's deleted article would take the other's copy of the same
# picture with it (files are named by their content), and a deleted member's exports
# go by member id. Tests that look at the files give folders of their own.
_FILES = tempfile.mkdtemp(prefix="blog-test-files-")
atexit.register(shutil.rmtree, _FILES, ignore_errors=True)
RUN_FOLDERS = {"UPLOAD_FOLDER": os.path.join(_FILES, "uploads"),
               "EXPORT_FOLDER": os.path.join(_FILES, "exports")}


def _test_config(database_url, **overrides):
    config = {
        "TESTING": True,
        "BLOG_ENV": "testing",
        "SECRET_KEY": "a-test-secret-that-is-long-enough-to-pass",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BASE_URL": "http://localhost",
        "PASSWORD_HASH_PROFILE": "fast",
        "RATELIMIT_ENABLED": False,
        # Requests do not take turns (blog/web/turns.py): tests hold one half-way to
        # stage a race, which would keep the others waiting. tests/test_turns.py has them.
        "SERVER_APP_TURNS": 0,
        "MAIL_SERVER": None,
        "MAIL_SUPPRESS_SEND": False,  # Flask-Mail would swallow mail when TESTING
        "MAIL_DEFAULT_SENDER": "blog tests <no-reply@blog.test>",
        **RUN_FOLDERS,
    }
    config.update(overrides)
    return config


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


@contextlib.contextmanager
def recorded_statements():
    """The SQL statements run inside the block with their parameters, as (statement,
    parameters): to run them again under EXPLAIN."""
    ran = []

    def record(conn, cursor, statement, parameters, context, executemany):
        ran.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield ran
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


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


def json_headers(client):
    """What buttons.js sends: JSON wanted, the CSRF token in a header."""
    return {"Accept": "application/json", "X-CSRFToken": client.csrf_token()}


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


def wait_for_email(deliver, to, subject, timeout=20):
    """The one message to `to` with `subject`, once a background worker has queued it
    (an export is built in its own thread) and `deliver` carried it through SMTP."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in deliver() if m["To"] == to and m["Subject"] == subject]
        if found:
            assert len(found) == 1, found
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"No email {subject!r} to {to} within {timeout} s")


def browser(app, ip="192.0.2.10"):
    """A browser of its own (cookie jar) at the address `ip`."""
    client = FormClient(app.test_client())
    client.client.environ_base["REMOTE_ADDR"] = ip
    return client


def logged_in(make_client, username):
    """Another browser from `make_client`, logged in as `username`."""
    other = make_client()
    Auth(other).login(username)
    return other


def security_events(caplog, name=None):
    """The security events logged during the test, as dicts; only those called `name` if given."""
    found = [json.loads(r.getMessage()) for r in caplog.records if r.name == "blog.security"]
    return [e for e in found if name is None or e["event"] == name]


# --- the login limits' tests -----------------------------------------------------------

LINK_BUTTON = "Email me a one-time login link"


def guesses_until_locked(client, login="target", tries=6):
    """The statuses of wrong guesses at `login` from `client`."""
    return [Auth(client).login(login, "wrong guess").status_code for _ in range(tries)]


def deliver_all():
    """Send what the outbox holds (the `deliver` fixture does it for the `app` fixture's app)."""
    from blog.mailer import deliver_due

    deliver_due()


def link_for(client, mailbox, login="target"):
    """Ask for a login link from `client`; the path of the link that arrives."""
    client.submit("/auth/login-link", {"login": login})
    deliver_all()
    return urlsplit(link_in(mailbox.messages[-1], "/auth/login-link/")).path


def without_tokens(html):
    return CSRF_PATTERN.sub("", html)


def seed_community(app):
    """Tens of rows in every table, written the way the site writes them (migrations, backups)."""
    from blog.domain import (
        accounts,
        articles,
        comments,
        follows,
        invites,
        moderation,
        mutes,
        notification_choices,
        profiles,
        reactions,
        reports,
        sessions,
        site,
    )
    from blog.models import Tag
    from blog.seed import Seeder
    from picture_helpers import picture

    with app.test_request_context(headers={"User-Agent": "migration test"}):
        seeder = Seeder(TEST_PASSWORD, seed=9)
        seeder.add_members(6)
        seeder.add_articles(10, comments=16, likes=20)
        seeder.add_follows(12)
        db.session.commit()
        alice, bob, carol = (accounts.find_by_username(n) for n in ("alice", "bob", "carol"))
        # Mixed case: the case-insensitive unique indexes have something to guard.
        accounts.register("Mixed.Case@Example.org", "MixedCase", TEST_PASSWORD)  # + an email
        profiles.update_profile(alice, "Alice L.", "Writes.", "https://img.example.org/a.png")
        profiles.update_profile(carol, "Carol", "", picture=picture())  # an upload
        sessions.start_session(alice, remember=True)
        sessions.start_session(bob)
        sessions.start_session(bob, kind=sessions.API, user_agent="curl/8.5.0")
        article = articles.create_article(
            alice, "Migrations without tears", "Keep your rows", "Body with **bold**.",
            "sqlite, migrations", "https://img.example.org/cover.png", publish=True,
        )
        articles.update_article(  # a new title: the old slug is kept
            article, alice, "Migrations, tearless", "Keep your rows", "Body with **bold**.",
            "sqlite, migrations", "https://img.example.org/cover.png", publish=True,
        )
        top = comments.add_comment(bob, article, "First!")
        comments.add_comment(carol, article, "A reply.", parent_id=top.id)
        reactions.like(carol, article)
        reactions.bookmark(bob, article)
        mutes.mute(carol, bob)
        mutes.mute_tag(carol, db.session.scalar(db.select(Tag).where(Tag.name == "sqlite")))
        reactions.bookmark(carol, article)
        follows.follow(bob, alice)
        follows.follow_tag(carol, db.session.scalar(select(Tag).where(Tag.name == "sqlite")))
        follows.follow_tag(bob, db.session.scalar(select(Tag).where(Tag.name == "migrations")))
        # A report, and a moderator who hides a reply: the log and the hidden columns have rows.
        reply = comments.add_comment(carol, article, "Buy cheap watches!", parent_id=top.id)
        reports.file_report(alice, "comment", reply, "spam", "An advert.")
        reports.file_report(bob, "member", carol, "other")
        bob.role = "moderator"
        moderation.hide(bob, "comment", reply, "Advertising.")
        # Site settings, invitations (one used, one revoked) and a member awaiting approval.
        admin = accounts.create_user("root@example.org", "rootadmin", TEST_PASSWORD, admin=True)
        chosen = {"name": "Seeded", "about": "We **seed**.", "signup_mode": "invite",
                  "require_approval": True, "welcome": "Hello."}
        site.save(admin, chosen)
        _, token = invites.create_invite(admin)
        accounts.register("invited@example.org", "invited", TEST_PASSWORD, invite=token)
        invites.revoke(admin, invites.create_invite(admin)[0].id)
        site.save(admin, {**chosen, "signup_mode": "open", "require_approval": False})
        # A choice about notifications (the rows themselves come from the writes above).
        notification_choices.save_preferences(
            alice, {"like": (True, True), "article": (True, False)})
