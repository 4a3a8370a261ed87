"""Database statements that SQLAlchemy spells differently per dialect, and a commit
that keeps what the request has loaded."""

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db

_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def insert_ignoring_duplicates(model, **values):
    """INSERT ... ON CONFLICT DO NOTHING; True when a row was inserted.

    Safe under concurrency: when two requests insert the same key at once,
    the database lets exactly one of them in and the other one does nothing.
    """
    insert = _INSERTS[db.session.get_bind().dialect.name]
    # RETURNING tells whether a row went in: an ORM-enabled insert reports
    # no rowcount on every driver.
    key = model.__table__.primary_key.columns.values()[0]
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(key)
    return db.session.execute(statement).first() is not None


def commit_keeping_loaded():
    """Commit, keeping the rows this request loaded and wrote as they are in memory.

    A plain commit expires every loaded object, so answering a write read
    them all again: the member, the article and its tags, the comment just
    saved. A write whose rows in memory are still true after it (it sets
    what it changed on them, counters read back with RETURNING) commits
    this way, and answers from them without another statement.
    """
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring
