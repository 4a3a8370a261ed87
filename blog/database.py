"""Database settings that belong to the connection, not to the schema.

Importing this module installs the listener, for every engine the app creates.
"""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


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
