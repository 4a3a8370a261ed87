"""A GET or HEAD reads outside a transaction and begins one only when it writes
(blog.web.transactions, blog.database.read_outside_transaction). On PostgreSQL that
spares a BEGIN and a ROLLBACK per page; SQLite's driver works so by itself. Writes stay
all or nothing on both, and every other method keeps its transaction from the start."""

import contextlib

from flask import abort
from sqlalchemy import event, func, select

from blog.database import needs_a_transaction
from blog.extensions import db
from blog.models import Tag, User
from helpers import Auth


def _in_transaction(cursor):
    """Whether the database connection under `cursor` has a transaction open."""
    connection = cursor.connection
    if db.engine.dialect.name == "sqlite":
        return connection.in_transaction
    from psycopg.pq import TransactionStatus

    return connection.info.transaction_status != TransactionStatus.IDLE


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


def _is_postgresql():
    return db.engine.dialect.name == "postgresql"


def _add_routes(app):
    """Routes of this test's own: a GET that writes, one that locks a row first, and one
    that gives up after a write."""

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
        db.session.add(Tag(name="given-up"))
        db.session.flush()
        abort(409)


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


def test_a_get_that_gives_up_after_a_write_keeps_none_of_it(app, client):
    _add_routes(app)
    with transaction_states() as states:
        assert client.get("/test/tag-then-give-up").status_code == 409
    assert states and all(open_ for word, open_ in states if word == "INSERT")
    assert "given-up" not in _tag_names()


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


def test_a_form_keeps_one_transaction_from_its_first_statement(client, make_member,
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
    if _is_postgresql():
        assert all(open_ for word, open_ in states), states
    else:  # SQLite's driver begins at the first write: every write inside it
        assert all(open_ for word, open_ in states if word in ("INSERT", "UPDATE"))


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
    """What sends BEGIN first when a GET reads outside a transaction (PostgreSQL)."""
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
        "SELECT set_config('statement_timeout', '1s', true)",
        "SET LOCAL statement_timeout = 1000",
    ]
    reads = [
        "SELECT articles.id, articles.updated_at FROM articles ORDER BY articles.id",
        "WITH ranked AS (SELECT id FROM articles) SELECT id FROM ranked",
        "SELECT count(*) FROM articles WHERE title = %(title)s",
    ]
    needs_a_transaction.cache_clear()
    for _ in range(2):  # the second time from what the first kept
        assert [s for s in begins if not needs_a_transaction(s)] == []
        assert [s for s in reads if needs_a_transaction(s)] == []
    assert needs_a_transaction.cache_info().hits == len(begins) + len(reads)
