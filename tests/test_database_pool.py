"""A pooled connection that died while it lay idle (the database restarted, an idle
timeout) is replaced before a request uses it (blog.database._ping_after_idle); one
used a moment ago is not asked, which spares a round trip per request on PostgreSQL."""

import pytest
from sqlalchemy import create_engine, exc, text

from blog import create_app, database
from blog.extensions import db
from helpers import _test_config


def _kill_idle_connections():
    """End every connection lying in the app's pool, as a database restart would."""
    records = list(db.engine.pool._pool.queue)  # QueuePool's idle connection records
    assert records, "the request left no connection in the pool"
    if db.engine.dialect.name == "sqlite":
        for record in records:
            record.dbapi_connection.close()
        return
    pids = [record.dbapi_connection.info.backend_pid for record in records]
    admin = create_engine(db.engine.url)
    with admin.connect() as connection:
        for pid in pids:
            # Waits (up to 5 s) until the backend is gone, not only told to go.
            connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    admin.dispose()


@pytest.fixture
def site(app, make_app):
    """An app without kept pages (each request reads the database), in its context (inside
    the `app` fixture's, which make_article needs); its pool emptied afterwards, killed
    connections and all."""
    app = make_app(PAGE_CACHE=False)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _titles(response):
    return [article["title"] for article in response.get_json()["articles"]]


def _list_after_a_kill(client, make_article):
    make_article(title="Listed")
    db.session.remove()  # the test's own connection back in the pool, with the request's
    assert _titles(client.get("/api/articles")) == ["Listed"]
    db.session.remove()
    _kill_idle_connections()
    return client.get("/api/articles")


def test_a_connection_that_died_idle_is_replaced_before_a_request_uses_it(
        site, make_article, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0)
    response = _list_after_a_kill(site.test_client(), make_article)
    assert response.status_code == 200
    assert _titles(response) == ["Listed"]


def test_a_connection_used_a_moment_ago_is_not_asked(site, make_article, monkeypatch):
    # What the ping spares, shown by its absence: the same kill, within the idle time,
    # reaches the request (the driver's error; SQLAlchemy then replaces the pool's
    # connections, and the next request works).
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 3600)
    client = site.test_client()
    with pytest.raises(exc.SQLAlchemyError) as raised:
        _list_after_a_kill(client, make_article)
    errors, error = [], raised.value
    while error is not None:
        errors.append(error)
        error = error.__context__
    assert any(isinstance(error, exc.DBAPIError) and error.connection_invalidated
               for error in errors), errors
    db.session.rollback()
    db.session.remove()
    assert _titles(client.get("/api/articles")) == ["Listed"]


def test_a_connection_that_answers_the_ping_is_kept(site, make_article, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0)
    client = site.test_client()
    make_article(title="Listed")
    db.session.remove()
    assert _titles(client.get("/api/articles")) == ["Listed"]
    db.session.remove()
    before = {id(record.dbapi_connection) for record in db.engine.pool._pool.queue}
    assert _titles(client.get("/api/articles")) == ["Listed"]  # pinged, answered
    db.session.remove()
    assert {id(record.dbapi_connection) for record in db.engine.pool._pool.queue} == before


def test_the_connection_used_last_is_handed_out_first(site):
    # So under load the same few stay busy and are never pinged.
    first, second = db.engine.connect(), db.engine.connect()
    first_raw, second_raw = first.connection.dbapi_connection, second.connection.dbapi_connection
    first.close()
    second.close()  # back in the pool last
    with db.engine.connect() as again:
        assert again.connection.dbapi_connection is second_raw
    assert first_raw is not second_raw


def test_an_app_on_an_in_memory_sqlite_database_starts():
    # One connection, no pool to order: the LIFO setting is not given to it.
    app = create_app(_test_config("sqlite://"))
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1
        db.session.remove()
        db.engine.dispose()
