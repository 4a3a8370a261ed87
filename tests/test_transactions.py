"""Every request reads outside a transaction and begins one only when it writes or locks
a row (blog.web.transactions, blog.reads_outside), and so again after
each COMMIT. On PostgreSQL that spares a BEGIN and a ROLLBACK per page, and the ROLLBACK
that made psycopg forget its prepared statements; SQLite's driver works so by itself.
Writes stay all or nothing on both."""

import contextlib
import re
from datetime import timedelta

import pytest
from flask import abort, request
from flask_login import current_user
from sqlalchemy import event, func, select, text

from blog.extensions import db
from blog.models import LoginSession, Tag, User
from blog.reads_outside import needs_a_transaction, transaction_open
from helpers import Auth


def _in_transaction(cursor):
    """Whether the database connection under `cursor` has a transaction open."""
    return transaction_open(cursor.connection)


@contextlib.contextmanager
def transaction_states():
    """[(the statement's first word, whether a transaction was open after it)] for each
    statement run in the block."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement.split(None, 1)[0].upper(), _in_transaction(cursor)))

    event.listen(db.engine, "after_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "after_cursor_execute", record)


@contextlib.contextmanager
def rollbacks_sent():
    """A list that gets an entry for each ROLLBACK sent to the database in the block: one
    that ends an open transaction (for none, neither driver sends anything), asked by the
    session or by the pool's reset."""
    sent = []

    def by_the_session(connection):
        if transaction_open(connection.connection.dbapi_connection):
            sent.append("session")

    def by_the_pool(dbapi_connection, connection_record, reset_state):
        if transaction_open(dbapi_connection):
            sent.append("pool")

    event.listen(db.engine, "rollback", by_the_session)
    event.listen(db.engine.pool, "reset", by_the_pool)
    try:
        yield sent
    finally:
        event.remove(db.engine, "rollback", by_the_session)
        event.remove(db.engine.pool, "reset", by_the_pool)


def _is_postgresql():
    return db.engine.dialect.name == "postgresql"


def _add_routes(app):
    """Routes of this test's own: a GET that writes, one that locks a row first, one that
    gives up after two writes (asking who is there before or after them), and one with a
    SAVEPOINT."""

    @app.get("/test/two-tags")
    def two_tags():
        before = db.session.scalar(select(func.count()).select_from(Tag))
        db.session.add_all([Tag(name="first-of-two"), Tag(name="second-of-two")])
        db.session.commit()
        return {"before": before}

    @app.get("/test/locked-tag")
    def locked_tag():
        db.session.execute(select(User.id).with_for_update())
        db.session.add(Tag(name="after-a-lock"))
        db.session.commit()
        return {}

    @app.get("/test/tag-then-give-up")
    def tag_then_give_up():
        # ?member=first|after: who is there is asked before the writes, or after them.
        asked = request.args.get("member")
        if asked == "first":
            assert current_user.is_authenticated
        db.session.add(Tag(name="given-up"))
        db.session.flush()
        db.session.add(Tag(name="given-up-too"))
        db.session.flush()
        if asked == "after":
            assert current_user.is_authenticated
        abort(409)

    @app.get("/test/nested")
    def nested():
        db.session.scalar(select(func.count()).select_from(Tag))
        db.session.add(Tag(name="outer"))
        db.session.flush()
        with db.session.begin_nested():  # a SAVEPOINT, inside the transaction
            db.session.add(Tag(name="inner"))
        db.session.commit()
        return {}


def _tag_names():
    db.session.remove()
    return set(db.session.scalars(select(Tag.name)))


def test_pages_and_api_reads_run_outside_a_transaction(client, make_member, make_article):
    author = make_member("author")
    slug = make_article(author=author, title="Read me", tags="python").slug
    db.session.remove()
    with transaction_states() as visitor:
        assert client.get(f"/articles/{slug}").status_code == 200
        assert client.get("/api/articles?tag=python").status_code == 200
    Auth(client).login("author")
    with transaction_states() as member:
        assert client.get(f"/articles/{slug}").status_code == 200
        assert client.get("/?tab=latest").status_code == 200
    assert visitor and member
    assert [word for word, open_ in visitor + member if open_] == []


def test_a_get_that_writes_commits_its_writes_in_one_transaction(app, client):
    _add_routes(app)
    with transaction_states() as states:
        response = client.get("/test/two-tags")
    assert response.status_code == 200
    assert response.get_json() == {"before": 0}
    writes = [open_ for word, open_ in states if word == "INSERT"]
    assert writes and all(writes)
    assert states[0] == ("SELECT", False)  # the read before them
    assert {"first-of-two", "second-of-two"} <= _tag_names()


@pytest.mark.parametrize("member", [None, "first", "after"])
def test_a_request_that_gives_up_after_its_writes_keeps_none_of_them(app, client,
                                                                      make_member, member):
    """Also for a member whose login is due a touch (an UPDATE and its own COMMIT): asked
    for before the writes, the touch is committed and the writes begin anew; asked for
    after them, it waits for the next request instead of committing them along."""
    _add_routes(app)
    if member:
        make_member("touched")
        db.session.remove()
        Auth(client).login("touched")
        app.config["SESSION_TOUCH_INTERVAL"] = timedelta(0)
        before = db.session.scalar(select(LoginSession.last_seen_at))
        db.session.remove()
    path = "/test/tag-then-give-up" + (f"?member={member}" if member else "")
    with transaction_states() as states:
        assert client.get(path).status_code == 409
    touches = [word for word, open_ in states if word == "UPDATE"]
    assert touches == (["UPDATE"] if member == "first" else [])
    assert states and all(open_ for word, open_ in states if word == "INSERT")
    assert not {"given-up", "given-up-too"} & _tag_names()
    if member:  # the touch before the writes stays; none after them
        seen = db.session.scalar(select(LoginSession.last_seen_at))
        assert (seen > before) == (member == "first")


def test_a_savepoint_inside_a_request_works(app, client):
    _add_routes(app)
    assert client.get("/test/nested").status_code == 200
    assert {"outer", "inner"} <= _tag_names()


def test_a_locking_read_begins_the_transaction_its_lock_lasts_for(app, client, make_member):
    make_member("locked")
    _add_routes(app)
    with transaction_states() as states:
        assert client.get("/test/locked-tag").status_code == 200
    assert "after-a-lock" in _tag_names()
    if _is_postgresql():
        # SQLite has no row locks (SQLAlchemy leaves FOR UPDATE out): a plain read there.
        assert states[0] == ("SELECT", True)
    assert all(open_ for word, open_ in states if word == "INSERT")


def test_a_form_reads_outside_a_transaction_and_writes_inside_one(client, make_member,
                                                                   make_article):
    slug = make_article(title="Like me").slug
    make_member("fan")
    db.session.remove()
    Auth(client).login("fan")
    # A page first: its connection goes back to the pool, and the form gets it next.
    assert client.get(f"/articles/{slug}").status_code == 200
    token = client.csrf_token()
    with transaction_states() as states:
        response = client.post(f"/articles/{slug}/like", data={"csrf_token": token})
    assert response.status_code in (200, 302, 303)
    assert any(word in ("INSERT", "UPDATE") for word, open_ in states)
    assert states[0] == ("SELECT", False), states  # who is there: read outside
    # From its first lock on (PostgreSQL; SQLite has none) or write, all inside.
    first = next(i for i, (word, open_) in enumerate(states) if open_)
    assert all(open_ for word, open_ in states[first:]), states
    assert all(open_ for word, open_ in states if word in ("INSERT", "UPDATE"))
    if _is_postgresql():  # a SELECT inside: a row lock (SQLite has none), which sent BEGIN
        assert states[first][0] == "SELECT", states


def test_only_a_failed_write_sends_a_rollback(app, client, make_member, make_article):
    """psycopg forgets every statement it prepared on a connection at each ROLLBACK, and
    the next five runs of each were planned again. A refused form, the reads after a
    COMMIT (where to go back to) and a page after its login was touched (a COMMIT) send
    none now, and the page's statements stay prepared. (It tells only on PostgreSQL:
    SQLite's driver sent no ROLLBACK for them before either.)"""

    @app.get("/test/prepared")
    def prepared():
        pid, count = db.session.execute(text(
            "SELECT pg_backend_pid(), count(*) FROM pg_prepared_statements")).one()
        return {"connection": pid, "prepared": count}

    app.config["SESSION_TOUCH_INTERVAL"] = timedelta(0)  # every page touches the login
    slug = make_article(title="Talk here").slug
    make_member("talker")
    db.session.remove()
    Auth(client).login("talker")
    token = client.csrf_token()
    posted = client.post(f"/articles/{slug}/comments",
                         data={"body": "Soon gone", "csrf_token": token})
    comment_id = re.search(r"comment-(\d+)", posted.headers["Location"]).group(1)
    for _ in range(6):  # psycopg prepares a statement at its sixth run
        assert client.get(f"/articles/{slug}").status_code == 200
    before = client.get("/test/prepared").get_json() if _is_postgresql() else None
    with rollbacks_sent() as sent:
        assert client.get(f"/articles/{slug}").status_code == 200
        refused = client.post(f"/articles/{slug}/comments",
                              data={"body": "  ", "csrf_token": token})
        assert refused.status_code == 422
        deleted = client.post(f"/comments/{comment_id}/delete", data={"csrf_token": token})
        assert deleted.status_code == 302
    assert sent == []
    if _is_postgresql():
        after = client.get("/test/prepared").get_json()
        assert after["connection"] == before["connection"]  # one connection throughout
        assert before["prepared"] >= 3  # the login, the article, its comments
        assert after["prepared"] >= before["prepared"]


def test_a_get_that_needs_no_database_takes_no_connection(client):
    checkouts = []

    def record(dbapi_connection, connection_record, connection_proxy):
        checkouts.append(connection_record)

    db.session.remove()
    event.listen(db.engine, "checkout", record)
    try:
        assert client.get("/api/openapi.json").status_code == 200
        assert client.get("/favicon.ico").status_code == 301
    finally:
        event.remove(db.engine, "checkout", record)
    assert checkouts == []


def test_the_statements_that_begin_the_transaction():
    """What sends BEGIN first when a request reads outside a transaction (PostgreSQL)."""
    begins = [
        "INSERT INTO tags (name) VALUES (%(name)s)",
        "  update articles SET title=%(t)s",
        "DELETE FROM likes WHERE user_id = %(id)s",
        "SAVEPOINT sa_savepoint_1",
        "SELECT users.id FROM users WHERE users.id = %(id)s FOR KEY SHARE",
        "SELECT users.id FROM users FOR UPDATE",
        "SELECT users.id FROM users FOR NO KEY UPDATE",
        "WITH t AS (INSERT INTO tags (name) VALUES (%(n)s) RETURNING id) SELECT id FROM t",
        "WITH t AS (SELECT 1)\nDELETE FROM tags",
        "SELECT pg_advisory_xact_lock(42)",
        "SELECT pg_try_advisory_xact_lock_shared(42)",
        "/* a comment first */ INSERT INTO tags (name) VALUES (%(name)s)",
        "-- a comment first\nUPDATE tags SET name = %(name)s",
        "CALL refresh_things()",
        "REFRESH MATERIALIZED VIEW things",
        "SELECT set_config('statement_timeout', '1s', true)",
        "SET LOCAL statement_timeout = 1000",
    ]
    reads = [
        "SELECT articles.id, articles.updated_at FROM articles ORDER BY articles.id",
        "WITH ranked AS (SELECT id FROM articles) SELECT id FROM ranked",
        "SELECT count(*) FROM articles WHERE title = %(title)s",
        "/* INSERT */ SELECT 'UPDATE tags' AS words",
    ]
    needs_a_transaction.cache_clear()
    for _ in range(2):  # the second time from what the first kept
        assert [s for s in begins if not needs_a_transaction(s)] == []
        assert [s for s in reads if needs_a_transaction(s)] == []
    assert needs_a_transaction.cache_info().hits == len(begins) + len(reads)
