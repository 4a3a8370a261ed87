"""What keeps a migration from losing data. env.py runs every revision through it.

On SQLite, Alembic's batch mode changes a table by copying it: create a new
table, copy the rows, drop the old table, rename the copy. On a live database
that goes wrong twice unless someone steps in:

- blog.database turns foreign keys on for every connection, so dropping the
  old table fires ON DELETE CASCADE and empties every table that points at it;
- expression indexes such as lower(email) are not reflected, so the copy lacks them;
- triggers (the search index's, migration 0013) go with the dropped table.

So on SQLite the whole run is one explicit transaction with foreign keys off;
after each revision, an expression index or a trigger that vanished without a
DROP INDEX or DROP TRIGGER is created again from the SQL SQLite kept for it; at the end PRAGMA
foreign_key_check must find nothing, or the run is rolled back. On both
databases an upgrade that ends at head must leave every index the models declare.
"""

import logging
import re
import warnings
from contextlib import contextmanager

from alembic.util import CommandError
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, SAWarning

logger = logging.getLogger("alembic.env")

DROP_INDEX = re.compile(
    r'^\s*DROP\s+(?:INDEX|TRIGGER)\s+(?:IF\s+EXISTS\s+)?(?:"?\w+"?\.)?"?(\w+)"?', re.I)
# Batch mode reflects the table; SQLAlchemy says it skips these, and we put them back.
SKIPPED_INDEX = "Skipped unsupported reflection of expression-based index"
# Index columns that are expressions have cid -2 in index_xinfo.
EXPRESSION_INDEXES = """
    SELECT DISTINCT m.name, m.tbl_name, m.sql
    FROM sqlite_master AS m, pragma_index_xinfo(m.name) AS x
    WHERE m.type = 'index' AND x.cid = -2
"""
TRIGGERS = "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
SHOWN_VIOLATIONS = 5


class MigrationSafetyError(CommandError):
    """A migration would have lost rows or indexes; nothing of the run was kept."""


def _trigger_names(connection):
    return set(connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    ).scalars())


def _index_names(connection):
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    return set(connection.exec_driver_sql(query).scalars())


def _table_names(connection):
    return set(connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    ).scalars())


class Guard:
    """Watches one run of migrations on one connection."""

    def __init__(self, connection, metadata):
        self.connection = connection
        self.metadata = metadata
        self.sqlite = connection.dialect.name == "sqlite"
        self.upgraded = False
        self.dropped = set()  # indexes and triggers a migration dropped on purpose
        self.expression_indexes = {}  # name: (table, sql), as the revision found them
        self.triggers = {}  # name: (table, sql), as the revision found them

    def note_drop_index(self, conn, cursor, statement, parameters, context, executemany):
        """Listener: remember DROP INDEX and DROP TRIGGER statements, never to undo them."""
        match = DROP_INDEX.match(statement)
        if match:
            self.dropped.add(match.group(1))

    def take_stock(self):
        if self.sqlite:
            rows = self.connection.exec_driver_sql(EXPRESSION_INDEXES)
            self.expression_indexes = {name: (table, sql) for name, table, sql in rows}
            rows = self.connection.exec_driver_sql(TRIGGERS)
            self.triggers = {name: (table, sql) for name, table, sql in rows}
        self.dropped.clear()

    def after_revision(self, ctx, step, heads, run_args):
        """Alembic's on_version_apply callback: runs after each revision, in the transaction."""
        if step.is_stamp:
            return
        self.upgraded = self.upgraded or step.is_upgrade
        if self.sqlite:
            self._restore_expression_indexes(step)
            self._restore_triggers(step)
        self.take_stock()

    def _restore_expression_indexes(self, step):
        tables, present = _table_names(self.connection), _index_names(self.connection)
        where = f"{'Upgrade' if step.is_upgrade else 'Downgrade'} {', '.join(step.up_revision_ids)}"
        for name, (table, sql) in self.expression_indexes.items():
            if name in present or name in self.dropped or table not in tables:
                continue
            try:
                self.connection.exec_driver_sql(sql)
            except DBAPIError as error:
                raise MigrationSafetyError(
                    f"{where}: the expression index {name} on {table} was lost when the table "
                    f"was copied and cannot be created again ({error.orig}). Drop it with "
                    "op.drop_index() before changing the columns it uses."
                ) from error
            logger.info("Kept the expression index %s on %s (batch mode had dropped it)",
                        name, table)

    def _restore_triggers(self, step):
        tables, present = _table_names(self.connection), _trigger_names(self.connection)
        for name, (table, sql) in self.triggers.items():
            if name in present or name in self.dropped or table not in tables:
                continue
            self.connection.exec_driver_sql(sql)
            logger.info("Kept the trigger %s on %s (batch mode had dropped it)", name, table)

    def finish(self, current_heads, script_heads):
        """Checks at the end of the run, still inside its transaction."""
        if self.sqlite:
            self._check_foreign_keys()
        if self.upgraded and set(current_heads) == set(script_heads):
            self._check_model_indexes()

    def _check_foreign_keys(self):
        broken = self.connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            shown = "; ".join(f"{table} row {rowid} points at a missing {parent} row"
                              for table, rowid, parent, _ in broken[:SHOWN_VIOLATIONS])
            raise MigrationSafetyError(
                f"After the migrations {len(broken)} rows would point at missing rows ({shown}). "
                "Nothing was changed: fix or delete those rows, then migrate again."
            )

    def _check_model_indexes(self):
        declared = {index.name for table in self.metadata.tables.values()
                    for index in table.indexes}
        missing = sorted(declared - _index_names(self.connection))
        if missing:
            raise MigrationSafetyError(
                f"At head the database lacks indexes that blog/models.py declares: "
                f"{', '.join(missing)}. Add op.create_index() for each to a migration "
                "(autogenerate cannot see expression indexes on SQLite). Nothing was changed."
            )


@contextmanager
def guarded(connection, metadata):
    """Run Alembic inside: yields the Guard. On SQLite this owns the transaction."""
    guard = Guard(connection, metadata)
    if not guard.sqlite:  # PostgreSQL alters tables in place, in Alembic's transaction
        yield guard
        return
    driver = connection.connection.driver_connection
    # The driver opens and commits no transactions of its own: we issue BEGIN and COMMIT,
    # so the DDL rolls back too.
    connection.execution_options(isolation_level="AUTOCOMMIT")
    # A no-op inside a transaction, so before BEGIN.
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    event.listen(connection, "before_cursor_execute", guard.note_drop_index)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=SKIPPED_INDEX, category=SAWarning)
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            guard.take_stock()
            yield guard
        connection.exec_driver_sql("COMMIT")
    except BaseException:
        if driver.in_transaction:
            connection.exec_driver_sql("ROLLBACK")
        raise
    finally:
        event.remove(connection, "before_cursor_execute", guard.note_drop_index)
        # The pool hands this connection to the app next: references checked again.
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
