"""Database settings that belong to the connection, not to the schema.

Importing this module installs the listeners, for every engine the app creates: the
SQLite settings and its writers' queue, the ping of a connection that lay idle, reads
outside a transaction on PostgreSQL (blog.reads_outside), and the note that public
content changed (the page cache's clock).
"""

import re
import sqlite3
import threading
import time

from blinker import Namespace
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool

from . import reads_outside  # noqa: F401 - its listeners
from .runtime import give_up_turn


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    # WAL lets readers work while one writer commits; the busy timeout makes
    # a second writer wait instead of failing; SQLite leaves foreign keys off
    # unless asked. Migrations turn them off again on their own connection
    # (blog/migrations/safety.py): batch mode's table copies would cascade.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


# --- one writer at a time, queued in this process ------------------------------------------

# SQLite lets one connection write at a time. A second writer waits in SQLite's busy
# handler, which sleeps 1, 2, 5 ... up to 100 ms between tries and never queues: under
# load a like waited up to a second while the lock was free most of that time. Writers
# of one process wait on a Python lock instead, and the next starts as soon as the
# connection before it is back in the pool (after its COMMIT or ROLLBACK). Writers in
# other processes still meet in the busy handler. A BEGIN IMMEDIATE (a what-if, a
# migration) takes the write lock before its first read, so it queues as a writer too.
_STARTS_A_WRITE = re.compile(r"^\s*(?:INSERT|UPDATE|DELETE|REPLACE|BEGIN\s+IMMEDIATE)\b",
                             re.IGNORECASE)
WRITER_WAIT_SECONDS = 10  # as the busy timeout: past it, SQLite's own wait takes over
_writer_locks = {}
_writer_locks_lock = threading.Lock()


def sqlite_writer_lock(url):
    """The lock the writers of this process take on the SQLite database at `url`."""
    key = database_key(url)
    with _writer_locks_lock:
        return _writer_locks.setdefault(key, threading.Lock())


@event.listens_for(Engine, "before_cursor_execute")
def _queue_sqlite_writers(connection, cursor, statement, parameters, context, executemany):
    if connection.dialect.name != "sqlite" or "sqlite_writer" in connection.info:
        return
    if _STARTS_A_WRITE.match(statement):
        lock = sqlite_writer_lock(connection.engine.url)
        if lock.acquire(blocking=False):
            connection.info["sqlite_writer"] = lock
            return
        # Another writer is at work: waiting for it holding a turn in the app would hold
        # up every other request too, readers included (blog/web/turns.py).
        give_up_turn()
        if lock.acquire(timeout=WRITER_WAIT_SECONDS):
            connection.info["sqlite_writer"] = lock


def _release_sqlite_writer(connection_record):
    # Any thread may release a threading.Lock: a connection garbage-collected elsewhere too.
    lock = connection_record.info.pop("sqlite_writer", None) if connection_record else None
    if lock is not None:
        lock.release()


@event.listens_for(Pool, "checkin")
def _writer_done(dbapi_connection, connection_record):
    _release_sqlite_writer(connection_record)


@event.listens_for(Pool, "invalidate")
def _writer_lost(dbapi_connection, connection_record, exception):
    _release_sqlite_writer(connection_record)


# --- a connection that lay idle is asked whether it still works ---------------------------

# A connection waiting in the pool may die meanwhile (PostgreSQL restarted, an idle
# timeout killed it), and the request given it would fail. SQLAlchemy's pool_pre_ping
# asks every connection at every checkout: on PostgreSQL a round trip before every
# request, measured at a tenth of a visitor's page. This asks only a connection that lay
# idle longer than PING_AFTER_IDLE_SECONDS; under load the pool's connections never lie
# idle that long. One that dies in use fails its request either way, and SQLAlchemy then
# replaces every connection of the pool.
PING_AFTER_IDLE_SECONDS = 2.0


@event.listens_for(Pool, "checkin")
def _idle_from_now(dbapi_connection, connection_record):
    if connection_record is not None:
        connection_record.info["idle_since"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_after_idle(dbapi_connection, connection_record, connection_proxy):
    idle_since = connection_record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return
    if not _answers(dbapi_connection):
        # The pool drops this connection and checks out another (a new one if need be).
        raise DisconnectionError("a pooled connection died while it lay idle")


def _answers(dbapi_connection):
    """Whether the database still answers on this connection (an empty statement)."""
    try:
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.execute("SELECT 1").close()
            return True
        # psycopg: outside a transaction, so that the ping leaves none open.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            dbapi_connection.execute(";")
        finally:
            dbapi_connection.autocommit = autocommit
    except Exception:  # noqa: BLE001 - whatever the driver raises, the connection is gone
        return False
    return True


# --- what visitors see changed -------------------------------------------------------------

# Tables whose rows show on pages every visitor sees alike (articles, profiles, counts),
# and the mutes, which change a member's own kept count (the API feed's articlesCount,
# blog.api.articles): rare, and limited as follows are. Sessions, the outbox and
# bookmarks (private) are not among them.
PUBLIC_TABLES = frozenset({"users", "tags", "articles", "article_tags", "article_slugs",
                           "likes", "follows", "tag_follows", "comments",
                           "site_settings", "site_counts", "member_mutes", "tag_mutes"})
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)

# Sent with the database's URL after a commit that changed a public table, however
# the change was made (the domain's functions, a seed, a CLI command, raw SQL).
public_content_changed = Namespace().signal("public-content-changed")


# Columns of a public table that no visitor's page shows: a login (last_login_at) or a
# new password must not make every kept page of the site stale.
PRIVATE_COLUMNS = {
    "users": frozenset({"password_hash", "password_changed_at", "email", "email_changed_at",
                        "last_login_at"}),
}
_SET_CLAUSE = re.compile(r"\bSET\b(.*?)(?:\bWHERE\b|$)", re.IGNORECASE | re.DOTALL)
_ASSIGNED = re.compile(r'"?(\w+)"?\s*=')


def changes_public_rows(statement):
    """Whether this SQL statement may change what a visitor sees (when unsure: yes)."""
    match = _WRITE.match(statement)
    if not match or match.group(1).lower() not in PUBLIC_TABLES:
        return False
    private = PRIVATE_COLUMNS.get(match.group(1).lower())
    if private and statement.lstrip()[:6].upper() == "UPDATE":
        assignments = _SET_CLAUSE.search(statement)
        columns = set(_ASSIGNED.findall(assignments.group(1))) if assignments else set()
        if columns and columns <= private:
            return False
    return True


@event.listens_for(Engine, "after_cursor_execute")
def _note_public_writes(connection, cursor, statement, parameters, context, executemany):
    # A write that says it touches drafts only (blog.domain.drafts) changes no visitor's page.
    if context is not None and context.execution_options.get("draft_only"):
        return
    # Nor one that changed no row: undoing what was never done (an unlike, an unfollow)
    # has no rate limit, and repeated it would make every kept page be built again.
    # (-1, unknown, and a batch's sum count as changed; so does a write that RETURNs rows,
    # whose count SQLite knows only once they are read.)
    if not executemany and cursor.description is None and cursor.rowcount == 0:
        return
    if changes_public_rows(statement):
        connection.info["public_write"] = True


@event.listens_for(Engine, "commit")
def _remember_public_commit(connection):
    # This hook runs just before the COMMIT: telling now would let a page be
    # built from the old rows under the new clock. Told once the connection
    # goes back to the pool, after the COMMIT (below).
    if connection.info.pop("public_write", False):
        connection.info["public_commit"] = database_key(connection.engine.url)


@event.listens_for(Engine, "rollback")
def _forget_rolled_back_writes(connection):
    connection.info.pop("public_write", None)
    connection.info.pop("public_commit", None)


@event.listens_for(Pool, "checkin")
def _tell_public_changes(dbapi_connection, connection_record):
    database = connection_record.info.pop("public_commit", None) if connection_record else None
    if database is not None:
        public_content_changed.send(database)


def database_key(url):
    """A name for one database, the same in every process that uses it (no password)."""
    return url.render_as_string(hide_password=True)
