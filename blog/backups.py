"""Backups: the whole site in one dated archive, and back again.

`flask --app blog backup` writes instance/backups/blog-<UTC time>.tar.gz holding
- the database: SQLite copied with its online backup API (consistent while the
  site runs: readers and the writer go on), or PostgreSQL dumped by pg_dump in
  its custom format;
- the uploaded pictures (UPLOAD_FOLDER, instance/uploads by default; kept as
  instance/uploads/) and instance/config.py when they exist (the config holds
  secrets: the archive is readable by its owner only);
- manifest.json: when, which database, the migration level and every table's rows.

`restore` puts an archive's database into the configured one, which must be
empty (a fresh file, or a new PostgreSQL database) unless told to replace it,
then checks every table's row count against the manifest.
"""

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, make_url, select, table, text
from sqlalchemy.engine import Connection

from .extensions import db

SQLITE_NAME, POSTGRES_NAME = "database.sqlite3", "database.dump"


class BackupError(RuntimeError):
    """The backup or restore cannot go on; the message says what to do."""


def row_counts(bind):
    """{table: rows} for every table of the database (Alembic's own included).

    `bind` is an engine, or a connection to count inside its transaction.
    """
    with _connected(bind) as connection:
        names = sorted(inspect(connection).get_table_names())
        return {name: connection.scalar(select(func.count()).select_from(table(name)))
                for name in names}


def _migration_level(bind):
    with _connected(bind) as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


@contextlib.contextmanager
def _connected(bind):
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.connect() as connection:
            yield connection


def _libpq_url(url):
    """postgresql+psycopg://... as pg_dump and pg_restore read it (with the password)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def make_backup(instance_path, to_directory=None, now=None, uploads=None):
    """Write the archive; returns its path. `uploads` is the folder of uploaded pictures
    (UPLOAD_FOLDER; instance/uploads when None): kept as instance/uploads in the archive."""
    uploads = Path(uploads) if uploads else Path(instance_path) / "uploads"
    engine = db.engine
    now = now or datetime.now(UTC)
    directory = Path(to_directory or Path(instance_path) / "backups")
    directory.mkdir(parents=True, exist_ok=True)
    archive = directory / f"blog-{now:%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        kind = engine.url.get_backend_name()
        # The manifest counts the rows of the copy itself, not of the live database,
        # which goes on changing while the copy is made.
        if kind == "sqlite":
            _copy_sqlite(engine.url.database, work / SQLITE_NAME)
            copy = create_engine(f"sqlite:///{work / SQLITE_NAME}")
            level, rows = _migration_level(copy), row_counts(copy)
            copy.dispose()
        elif kind == "postgresql":
            level, rows = _dump_postgres(engine, work / POSTGRES_NAME)
        else:
            raise BackupError(f"Backups know SQLite and PostgreSQL, not {kind}.")
        manifest = {"created_at": now.isoformat(), "database": kind,
                    "migration": level, "rows": rows}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        old_umask = os.umask(0o077)  # the config inside holds the secret key
        try:
            with tarfile.open(archive, "w:gz") as tar:
                for entry in sorted(work.iterdir()):
                    tar.add(entry, arcname=entry.name)
                if uploads.exists():
                    tar.add(uploads, arcname="instance/uploads")
                if (Path(instance_path) / "config.py").exists():
                    tar.add(Path(instance_path) / "config.py", arcname="instance/config.py")
        finally:
            os.umask(old_umask)
    return archive


def _dump_postgres(engine, target):
    """pg_dump of one snapshot, and the migration level and rows seen in that snapshot."""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
            level = _migration_level(connection)
            rows = row_counts(connection)
            # The snapshot lives as long as this transaction: pg_dump reads the same moment.
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", f"--file={target}", _libpq_url(engine.url)],
                 "pg_dump")
    return level, rows


def _copy_sqlite(path, target):
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # page by page, consistent, while others read and write
    finally:
        copy.close()
        source.close()


def read_manifest(archive):
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def restore_backup(archive, instance_path, replace=False, uploads=None):
    """Put the archive's database (and uploads, into the folder `uploads`: UPLOAD_FOLDER,
    instance/uploads when None) in place; returns its manifest.

    Raises BackupError when the target database holds data and `replace` is
    False, when the archive is of another kind of database, or when the rows
    restored are not the rows saved.
    """
    engine = db.engine
    manifest = read_manifest(archive)
    kind = engine.url.get_backend_name()
    if manifest["database"] != kind:
        raise BackupError(f"This archive holds a {manifest['database']} database; the site "
                          f"is configured for {kind}. Restore it into a {manifest['database']} "
                          "database (set DATABASE_URL).")
    if not replace and any(rows for rows in row_counts(engine).values()):
        raise BackupError("The database the site uses holds data already. Restore into an "
                          "empty one, or pass --replace to overwrite it (stop the server first).")
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
        work = Path(work)
        db.session.remove()
        engine.dispose()  # no pooled connection may hold the old database open
        if kind == "sqlite":
            _restore_sqlite(work / SQLITE_NAME, engine.url.database)
        else:
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  f"--dbname={_libpq_url(engine.url)}", str(work / POSTGRES_NAME)], "pg_restore")
        saved = work / "instance" / "uploads"
        if saved.exists():
            shutil.copytree(saved, Path(uploads) if uploads else Path(instance_path) / "uploads",
                            dirs_exist_ok=True)
    engine.dispose()
    restored = row_counts(engine)
    if restored != manifest["rows"]:
        differ = sorted(name for name in set(restored) | set(manifest["rows"])
                        if restored.get(name) != manifest["rows"].get(name))
        raise BackupError(f"The restored rows differ from the backup's in: {', '.join(differ)}.")
    return manifest


def _restore_sqlite(backup_file, path):
    source = sqlite3.connect(backup_file)
    target = sqlite3.connect(path)
    try:
        source.backup(target)  # replaces every page of the target, atomically
    finally:
        target.close()
        source.close()


def _run(command, name):
    if shutil.which(command[0]) is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client).")
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        # libpq's messages may repeat the URL: never print a password.
        message = done.stderr.strip().replace(make_url_password(command), "***")
        raise BackupError(f"{name} failed: {message}")


def make_url_password(command):
    """The password in a command's database URL, or a string found nowhere."""
    for word in command:
        if "://" in word:
            password = make_url(word.split("=", 1)[-1]).password
            if password:
                return str(password)
    return "\0"
