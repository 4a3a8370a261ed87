"""SQLite's writers of one process queue on a lock of ours (blog.database), not in
SQLite's busy handler, whose growing sleeps made a like wait up to a second under load.

These run on a SQLite file of their own in both CI runs: the queue is SQLite's alone.
"""

import threading

import pytest
from sqlalchemy import create_engine, text

from blog import database

WAIT = 5  # seconds: far more than any step below needs


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'writers.sqlite3'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (n INTEGER)")
    yield engine
    engine.dispose()


def _rows(engine):
    with engine.connect() as connection:
        return sorted(connection.scalars(text("SELECT n FROM notes")))


def test_a_second_writer_waits_for_the_first_to_be_back_in_the_pool(engine):
    lock = database.sqlite_writer_lock(engine.url)
    first = engine.connect()
    first.exec_driver_sql("INSERT INTO notes VALUES (1)")
    assert lock.locked()
    second_done = threading.Event()

    def second_writer():
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO notes VALUES (2)")
        second_done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    first.commit()
    assert not second_done.wait(0.2), "the second writer went before the first was done"
    first.close()
    assert second_done.wait(WAIT)
    thread.join(WAIT)
    assert _rows(engine) == [1, 2]
    assert not lock.locked()


def test_readers_never_wait_for_a_writer(engine):
    lock = database.sqlite_writer_lock(engine.url)
    with engine.connect() as writer:
        writer.exec_driver_sql("INSERT INTO notes VALUES (1)")
        assert lock.locked()
        with engine.connect() as reader:
            assert reader.scalar(text("SELECT count(*) FROM notes")) == 0  # WAL: the old rows
        writer.rollback()
    assert not lock.locked()


def test_a_write_rolled_back_or_lost_frees_the_lock(engine):
    lock = database.sqlite_writer_lock(engine.url)
    with engine.connect() as connection:
        connection.exec_driver_sql("UPDATE notes SET n = 2")
        assert lock.locked()
        connection.rollback()
    assert not lock.locked()
    broken = engine.connect()
    broken.exec_driver_sql("DELETE FROM notes")
    broken.invalidate()  # a connection that broke mid-write (its DELETE never committed)
    assert not lock.locked()
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO notes VALUES (3)")
    assert _rows(engine) == [3]


def test_many_writers_at_once_all_write(engine):
    writers, each = 8, 25

    def write(number):
        for step in range(each):
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO notes VALUES (:n)"),
                                   {"n": number * 100 + step})

    threads = [threading.Thread(target=write, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(_rows(engine)) == writers * each
    assert not database.sqlite_writer_lock(engine.url).locked()
