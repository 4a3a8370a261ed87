"""Database statements that SQLAlchemy spells differently per dialect, and a commit
that keeps what the request has loaded."""

import functools

from sqlalchemy import Integer, bindparam
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Join

from ..extensions import db

# INSERT ... ON CONFLICT of each dialect.
INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def insert_ignoring_duplicates(model, **values):
    """INSERT ... ON CONFLICT DO NOTHING; True when a row was inserted.

    Safe under concurrency: when two requests insert the same key at once,
    the database lets exactly one of them in and the other one does nothing.
    """
    statement = _insert_ignoring(db.session.get_bind().dialect.name, model, tuple(values))
    parameters = {f"new_{name}": value for name, value in values.items()}
    return db.session.execute(statement, parameters).rowcount == 1


@functools.cache
def _insert_ignoring(dialect, model, names):
    # Written once per process for each model and set of attributes, the values as parameters:
    # a like, a bookmark or a follow built it on every click.
    # On the table, not the model: given parameters, an ORM insert is a bulk insert, and it
    # reports no rowcount on every driver. A Core insert does on both databases (0 when the
    # row was there) once SQLAlchemy is told to keep it. No RETURNING, then, which counts as
    # a change of public rows (blog.database): liking twice would empty the page cache.
    # inline(): PostgreSQL would otherwise return a key the database numbers (a user's, a
    # tag's) for SQLAlchemy's inserted_primary_key, which nobody here reads.
    columns = {name: model.__mapper__.attrs[name].columns[0] for name in names}
    values = {column: bindparam(f"new_{name}", type_=column.type)
              for name, column in columns.items()}
    return (INSERTS[dialect](model.__table__).values(values).on_conflict_do_nothing()
            .inline().execution_options(preserve_rowcount=True))


def written_into_sql(name, value=None, type_=Integer):
    """A parameter whose value is written into the SQL when the statement runs.

    psycopg prepares a statement after five runs, and PostgreSQL then plans it for any
    values, unless a plan for any value looks dearer than one for these: then it plans
    again at every run. For a tag's id, a list's window or how many entries to read,
    the plan for any value looked dearer (it guesses a tenth of the rows), so those are
    written as values: a statement of their own, whose plan is kept. Only for values
    with few kinds (a tag, the first page), or the statement caches fill up."""
    return bindparam(name, value, type_=type_, literal_execute=True)


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


class _InThisOrder(Join):
    """An inner join that SQLite runs with its left side outermost (CROSS JOIN)."""

    inherit_cache = True


def joined_in_this_order(left, right, onclause):
    """`left` JOIN `right` ON `onclause`, read on SQLite left first, as written.

    SQLite's planner picks the order of a join's tables itself, and may walk a big
    table's index to spare a sort; CROSS JOIN is how SQLite is told the order (its
    documented way). Other databases get a plain JOIN. For an inner join of two tables
    (or aliases) only: it is written by renaming SQLAlchemy's first JOIN.
    """
    return _InThisOrder(left, right, onclause)


@compiles(_InThisOrder, "sqlite")
def _cross_join(join, compiler, **kw):
    # The join as SQLAlchemy writes it, its first JOIN (the one between the two sides:
    # the left side is a table) made a CROSS JOIN, which SQLite takes with an ON.
    written = compiler.visit_join(join, **kw)
    return written.replace(" JOIN ", " CROSS JOIN ", 1)
