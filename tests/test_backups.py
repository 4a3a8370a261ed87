"""`flask --app blog backup` and `restore`: the whole site in one archive, and back with every row.

Runs on SQLite, or on PostgreSQL (pg_dump/pg_restore) when DATABASE_URL names a server:
each test makes its own throw-away databases.
"""

import json
import stat
import tarfile
import threading
import time

from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from blog.extensions import db
from helpers import seed_community


def migrated(app):
    with app.app_context():
        upgrade()
    return app


def every_row(app):
    """{table: sorted rows} of the app's database, Alembic's own included."""
    with app.app_context(), db.engine.connect() as connection:
        names = inspect(connection).get_table_names()
        return {name: sorted(map(repr, connection.execute(select(text("*")).select_from(
            text(name))).all())) for name in names}


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_backup_then_restore_into_a_fresh_database_brings_back_every_row(new_database, tmp_path):
    site = migrated(new_database())
    seed_community(site)
    before = every_row(site)
    assert all(before.values())

    result = run(site, "backup", "--to", str(tmp_path / "backups"))
    assert result.exit_code == 0, result.output
    [archive] = (tmp_path / "backups").iterdir()
    assert archive.name.startswith("blog-") and archive.name.endswith(".tar.gz")
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it may hold instance/config.py
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["rows"]["articles"] == len(before["articles"])
    assert manifest["migration"] == before["alembic_version"][0].strip("(),'")

    fresh = new_database()  # a new, empty database: not even migrated
    result = run(fresh, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert f"Restored {sum(manifest['rows'].values())} rows" in result.output
    assert every_row(fresh) == before
    with fresh.app_context(), db.engine.connect() as connection:
        assert inspect(connection).get_indexes("articles")  # the schema came back whole


def test_restore_refuses_a_database_that_holds_data_unless_told(new_database, tmp_path):
    site = migrated(new_database())
    seed_community(site)
    run(site, "backup", "--to", str(tmp_path))
    [archive] = tmp_path.glob("blog-*.tar.gz")

    other = migrated(new_database())
    with other.app_context():
        db.session.execute(text("INSERT INTO tags (name) VALUES ('mine')"))
        db.session.commit()
    result = run(other, "restore", str(archive))
    assert result.exit_code != 0
    assert "holds data already" in result.output and "--replace" in result.output
    with other.app_context():
        assert db.session.scalars(text("SELECT name FROM tags")).all() == ["mine"]  # untouched

    result = run(other, "restore", "--replace", str(archive))
    assert result.exit_code == 0, result.output
    assert every_row(other) == every_row(site)


def test_a_backup_made_while_the_site_writes_is_consistent(new_database, tmp_path):
    """SQLite's backup API (or pg_dump's snapshot) copies one moment, not a mix: likes and
    their counters, written together by another connection all along, still agree."""
    site = migrated(new_database())
    seed_community(site)
    done, writes = threading.Event(), []

    def keep_writing():
        with site.app_context(), db.engine.connect() as connection:
            article, user = connection.execute(text(
                "SELECT a.id, u.id FROM articles a, users u WHERE NOT EXISTS (SELECT 1 FROM "
                "likes l WHERE l.article_id = a.id AND l.user_id = u.id) LIMIT 1")).one()
            connection.rollback()  # end the read: each write below is a transaction of its own
            while not done.is_set():
                liked = len(writes) % 2 == 0
                with connection.begin():
                    if liked:
                        connection.execute(text("INSERT INTO likes (user_id, article_id, "
                                                "created_at) VALUES (:u, :a, CURRENT_TIMESTAMP)"),
                                           {"u": user, "a": article})
                    else:
                        connection.execute(text("DELETE FROM likes WHERE user_id = :u AND "
                                                "article_id = :a"), {"u": user, "a": article})
                    connection.execute(text("UPDATE articles SET likes_count = likes_count + :d "
                                            "WHERE id = :a"), {"d": 1 if liked else -1,
                                                               "a": article})
                writes.append(liked)

    def writing():
        try:
            keep_writing()
        finally:
            writes.append(None)  # stopped (an error shows when the writes are counted)

    writer = threading.Thread(target=writing)
    writer.start()
    try:
        deadline = time.monotonic() + 10
        while len(writes) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert None not in writes and len(writes) >= 5, "the writer stopped"
        result = run(site, "backup", "--to", str(tmp_path))
    finally:
        done.set()
        writer.join()
    assert result.exit_code == 0, result.output
    [archive] = tmp_path.glob("blog-*.tar.gz")
    restored = new_database()
    assert run(restored, "restore", str(archive)).exit_code == 0
    with restored.app_context():
        counted = db.session.execute(text(
            "SELECT count(*) FROM articles a WHERE likes_count != "
            "(SELECT count(*) FROM likes l WHERE l.article_id = a.id)")).scalar()
    assert counted == 0


def test_pictures_kept_in_a_folder_of_their_own_are_backed_up_and_restored(
        new_database, tmp_path):
    site = migrated(new_database())
    site.config["UPLOAD_FOLDER"] = str(tmp_path / "pictures")  # not under instance/
    stored = tmp_path / "pictures" / "ab" / "abc123.png"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"the picture's bytes")
    assert run(site, "backup", "--to", str(tmp_path / "backups")).exit_code == 0
    [archive] = (tmp_path / "backups").iterdir()
    with tarfile.open(archive) as tar:
        assert "instance/uploads/ab/abc123.png" in tar.getnames()

    fresh = new_database()
    fresh.config["UPLOAD_FOLDER"] = str(tmp_path / "restored pictures")
    result = run(fresh, "restore", str(archive))
    assert result.exit_code == 0, result.output
    restored = tmp_path / "restored pictures" / "ab" / "abc123.png"
    assert restored.read_bytes() == b"the picture's bytes"
