"""Reads outside a transaction, on PostgreSQL: a request begins one only when it first
writes or locks a row, and so again after each COMMIT.

Imported by blog.database, which installs its listeners for every engine.
"""

import functools
import re
import sqlite3

from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

# Inside a transaction, a request that only reads paid two round trips more: BEGIN
# before its first statement and ROLLBACK when its connection went back to the pool
# (benchmark, PostgreSQL: a visitor's tag page 178 -> 251 req/s without them). At READ
# COMMITTED, the isolation we run at (PostgreSQL's default; nothing here changes it),
# every statement reads its own snapshot either way, so outside a transaction the reads
# see what they saw inside one. A request that writes must still be all or nothing: the
# first statement that writes, locks rows or needs a transaction sends BEGIN first, and
# the session's COMMIT or ROLLBACK ends it as before (psycopg sends them only while a
# transaction is open; the pool's reset rolls back what was not committed).
#
# And a ROLLBACK costs more than its round trip: psycopg then forgets every statement it
# had prepared on the connection (it cannot tell whether the transaction dropped what they
# name), so each is planned again at every run until it has run five times more. A form
# that read inside its transaction and was refused, or a write that read again after its
# COMMIT (the address to go back to), ended with one; through the pool, the next pages on
# that connection were planned again for five runs (docs/benchmarks/history.md). So every
# transaction of a request reads outside one, not only a GET's first: a ROLLBACK is left
# for a transaction that wrote or locked and then failed.
_LEAD = r"^(?:\s|/\*.*?\*/|--[^\n]*\n)*"  # blanks and comments before the first word
NEEDS_A_TRANSACTION = re.compile(
    _LEAD + r"(?:INSERT|UPDATE|DELETE|MERGE|SAVEPOINT|LOCK|SET\s+LOCAL|DECLARE|CREATE|ALTER"
    r"|DROP|TRUNCATE|CALL|REFRESH)\b"
    r"|" + _LEAD + r"WITH\b.*\b(?:INSERT|UPDATE|DELETE|MERGE)\b"  # a CTE that writes
    r"|\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b"  # row locks
    r"|\b(?:pg_(?:try_)?advisory_xact_lock(?:_shared)?|set_config)\s*\(",
    re.IGNORECASE | re.DOTALL)


@functools.lru_cache(maxsize=1024)
def needs_a_transaction(statement):
    """Whether the SQL `statement` writes, locks rows or needs a transaction otherwise.

    Kept for the 1,024 texts asked last: the expression reads the whole text at every
    position (0.05 to 0.07 ms for a page's statements of 1 to 2 KB), and pages run the
    same few statements again and again.
    """
    return NEEDS_A_TRANSACTION.search(statement) is not None


_READS_FIRST = "reads_first"  # session.info: each transaction starts reading outside one
_READING = "reads_outside_transaction"  # connection info: no BEGIN sent yet
_AUTOCOMMIT = "autocommit_for_reads"  # connection info: autocommit, undone at checkin


def read_outside_transactions(session):
    """Let each transaction `session` begins from now on read outside one until it first
    writes or locks (PostgreSQL; SQLite's driver begins one only before a write already).
    Takes no connection: a request that never asks the database needs none."""
    session.info[_READS_FIRST] = True


def read_inside_transactions(session):
    """Undo read_outside_transactions() for the transactions `session` begins next."""
    session.info.pop(_READS_FIRST, None)


def transaction_open(dbapi_connection):
    """Whether the driver's connection has a transaction open in the database."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        return dbapi_connection.in_transaction
    return dbapi_connection.info.transaction_status != TransactionStatus.IDLE


def writes_pending(session):
    """Whether `session` has changes a flush would write, or a transaction open on its
    connection. In a request that means it wrote or locked rows and has not committed
    (it reads outside a transaction on PostgreSQL, and SQLite's driver begins one only
    before a write); elsewhere on PostgreSQL any read opens one, and counts. Meant for a
    session that holds its connection already (asking takes one)."""
    if session.new or session.dirty or session.deleted:
        return True
    return session.in_transaction() and transaction_open(
        session.connection().connection.dbapi_connection)


@event.listens_for(Session, "after_begin")
def _start_reading(session, transaction, connection):
    if not session.info.get(_READS_FIRST) or connection.dialect.name != "postgresql":
        return
    dbapi_connection = connection.connection.dbapi_connection
    # Only before the transaction's first statement, when psycopg has sent no BEGIN yet:
    # not for a SAVEPOINT (begin_nested), nor a session bound to a connection that is in
    # a transaction already (the inspector's what-if replays), where a transaction is open.
    if transaction.nested or transaction_open(dbapi_connection):
        return
    dbapi_connection.autocommit = True
    connection.info[_READING] = connection.info[_AUTOCOMMIT] = True


@event.listens_for(Engine, "before_cursor_execute")
def _begin_before_first_write(connection, cursor, statement, parameters, context, executemany):
    if not connection.info.get(_READING):
        return
    # A server-side cursor (yield_per) is declared inside a transaction too.
    if needs_a_transaction(statement) or (
            context is not None and context.execution_options.get("stream_results")):
        del connection.info[_READING]
        cursor.connection.execute("BEGIN")


@event.listens_for(Pool, "checkin")
def _reading_done(dbapi_connection, connection_record):
    if connection_record is None:
        return
    connection_record.info.pop(_READING, None)
    if connection_record.info.pop(_AUTOCOMMIT, False) and dbapi_connection is not None:
        try:  # the pool's reset has rolled back what was left open: idle, so this may change
            dbapi_connection.autocommit = False
        except Exception:  # noqa: BLE001 - not idle after all: the next one gets a new one
            connection_record.invalidate()
