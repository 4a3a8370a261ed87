"""The migration history keeps every row and index, down to the first revision and up again.

Runs on SQLite, or on PostgreSQL when DATABASE_URL names a server: each test
makes its own throw-away databases there and drops them at the end.
"""

import shutil
import sqlite3

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect, select, text

from blog import MIGRATIONS, create_app
from blog.domain import accounts
from blog.extensions import db
from helpers import TEST_PASSWORD, _test_config, seed_community

# --- throw-away databases and moving them through the history -----------------------


def _alembic_config(app, directory):
    return app.extensions["migrate"].migrate.get_config(directory or MIGRATIONS)


def history(app, directory=None):
    """Every revision id, oldest first: tests cover future migrations without a change."""
    with app.app_context():
        script = ScriptDirectory.from_config(_alembic_config(app, directory))
        return [s.revision for s in reversed(list(script.walk_revisions()))]


def upgrade(app, revision="head", directory=None):
    """What `flask db upgrade <revision>` does, raising Alembic's errors instead of exiting."""
    with app.app_context():
        command.upgrade(_alembic_config(app, directory), revision)


def downgrade(app, revision, directory=None):
    with app.app_context():
        command.downgrade(_alembic_config(app, directory), revision)


def read(app, what):
    """what(connection) on a fresh connection of the app's database."""
    with app.app_context(), db.engine.connect() as connection:
        return what(connection)


def current_revision(connection):
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def rows_of(connection):
    """{table: (its columns, its rows as dicts)} for every table but Alembic's own."""
    tables = {}
    for name in inspect(connection).get_table_names():
        if name == "alembic_version":
            continue
        result = connection.execute(select(sa.literal_column("*")).select_from(sa.table(name)))
        columns = list(result.keys())
        tables[name] = (set(columns), [dict(zip(columns, row, strict=True)) for row in result])
    return tables


def indexes_of(connection):
    """{index name: (table, definition)}: the SQL the database keeps for each index
    (and, on SQLite, each trigger: the search index's, which batch mode must not lose)."""
    if connection.dialect.name == "sqlite":
        query = ("SELECT name, tbl_name, sql FROM sqlite_master "
                 "WHERE type IN ('index', 'trigger')")
    else:
        query = ("SELECT indexname, tablename, indexdef FROM pg_indexes "
                 "WHERE schemaname = current_schema()")
    return {name: (table, sql) for name, table, sql in connection.execute(text(query))}


def on(columns, rows):
    """The rows cut down to `columns`, in a stable order, for comparing."""
    return sorted(repr(sorted((c, row[c]) for c in columns)) for row in rows)


def contents(connection):
    """Every table's rows in a stable order, for comparing whole databases."""
    return {table: on(columns, rows) for table, (columns, rows) in rows_of(connection).items()}


# --- the tests ---------------------------------------------------------------------------


def test_history_down_and_up_keeps_every_row_and_index(new_database):
    fresh, seeded = new_database(), new_database()
    revisions = history(fresh)
    # Indexes of a database migrated straight to each revision: what each step must match.
    expected = {}
    for revision in revisions:
        upgrade(fresh, revision)
        expected[revision] = read(fresh, indexes_of)

    upgrade(seeded)
    seed_community(seeded)
    before = read(seeded, rows_of)
    assert [table for table, (_, rows) in before.items() if not rows] == []
    assert read(seeded, indexes_of) == expected[revisions[-1]]
    # Columns that live through the whole trip (a downgrade drops what its upgrade added).
    kept = {table: columns for table, (columns, _) in before.items()}

    def assert_rows_kept(revision):
        now = read(seeded, rows_of)
        for table in list(kept):
            if table not in now:  # dropped on the way down: it comes back empty
                del kept[table]
                continue
            columns, rows = now[table]
            kept[table] &= columns
            assert on(kept[table], rows) == on(kept[table], before[table][1]), (
                f"{table} at {revision}"
            )

    for lower, upper in reversed(list(zip(revisions, revisions[1:], strict=False))):
        downgrade(seeded, lower)
        assert read(seeded, current_revision) == lower
        assert read(seeded, indexes_of) == expected[lower], f"indexes at {lower}"
        assert_rows_kept(lower)
        # Back up one step: every upgrade also runs once on a fully seeded database.
        upgrade(seeded, upper)
        assert read(seeded, indexes_of) == expected[upper], f"indexes back at {upper}"
        assert_rows_kept(upper)
        downgrade(seeded, lower)

    assert kept  # the first revision's tables, with their rows
    for revision in revisions[1:]:
        upgrade(seeded, revision)
        assert read(seeded, indexes_of) == expected[revision], f"indexes at {revision}"
        assert_rows_kept(revision)
    assert set(read(seeded, rows_of)) == set(before)


FUTURE_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "9999_future"
down_revision = {head!r}


def _widen(table, column, old, new):
    with op.batch_alter_table(table) as batch_op:
        batch_op.alter_column(column, type_=sa.String(new), existing_type=sa.String(old),
                              existing_nullable=False)


def upgrade():
    _widen("users", "display_name", 80, 120)
    _widen("articles", "title", 150, 200)


def downgrade():
    _widen("articles", "title", 200, 150)
    _widen("users", "display_name", 120, 80)
"""


def test_a_future_migration_that_copies_users_and_articles_keeps_every_row(
    new_database, tmp_path
):
    # A copy of our history with one more revision that SQLite can only apply by
    # copying the two tables everything else points at.
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, directory, ignore=shutil.ignore_patterns("__pycache__"))
    app = new_database()
    head = history(app)[-1]
    (directory / "versions" / "9999_future.py").write_text(FUTURE_REVISION.format(head=head))
    upgrade(app)
    seed_community(app)
    before, indexes = read(app, contents), read(app, indexes_of)

    upgrade(app, "9999_future", directory)
    assert read(app, contents) == before
    assert read(app, indexes_of) == indexes
    downgrade(app, head, directory)
    assert read(app, contents) == before
    assert read(app, indexes_of) == indexes


def test_empty_database_goes_up_down_and_up_again(new_database):
    app = new_database()
    upgrade(app)
    at_head = read(app, indexes_of)
    downgrade(app, "base")
    assert read(app, lambda c: inspect(c).get_table_names()) == ["alembic_version"]
    upgrade(app)
    assert read(app, indexes_of) == at_head
    downgrade(app, "base")
    upgrade(app)
    assert read(app, indexes_of) == at_head


def test_upgrade_to_head_refuses_a_schema_missing_a_model_index(new_database):
    app = new_database()
    revisions = history(app)
    upgrade(app, revisions[-2])
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP INDEX uq_users_email_lower"))
    with pytest.raises(CommandError, match="uq_users_email_lower"):
        upgrade(app)
    # Rolled back as a whole: still one step below head.
    assert read(app, current_revision) == revisions[-2]


def test_sqlite_migration_with_a_broken_reference_is_rolled_back(tmp_path):
    # SQLite only by nature: PostgreSQL never lets a broken reference in.
    path = tmp_path / "blog.sqlite3"
    app = create_app(_test_config(f"sqlite:///{path}"))
    upgrade(app)
    with app.app_context():
        accounts.create_user("ana@example.org", "ana", TEST_PASSWORD)
    with sqlite3.connect(path) as raw:  # foreign keys are off on a bare connection
        raw.execute("INSERT INTO likes (user_id, article_id, created_at) "
                    "VALUES (1, 999, '2026-01-01 00:00:00')")
    revisions = history(app)
    with pytest.raises(CommandError, match="likes"):
        downgrade(app, revisions[-2])
    assert read(app, current_revision) == revisions[-1]
    assert "image_url" in read(app, lambda c: {col["name"] for col in
                                               inspect(c).get_columns("users")})
    # The app's connections check references again, and roll back again.
    assert read(app, lambda c: c.scalar(text("PRAGMA foreign_keys"))) == 1
    with app.app_context():
        db.session.execute(text("DELETE FROM users"))
        db.session.rollback()
        assert db.session.scalar(text("SELECT count(*) FROM users")) == 1
        db.session.remove()
        db.engine.dispose()
