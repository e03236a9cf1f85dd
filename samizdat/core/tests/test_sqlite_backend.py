"""The embedded default's SQLite backend: short waits for the write lock, the same errors."""

from __future__ import annotations

import copy
import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, connections

from samizdat.core.sqlite import base as backend

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend"),
    pytest.mark.django_db,
]


def _wrapper(path, timeout: float):
    settings = copy.deepcopy(connection.settings_dict)
    settings.update(NAME=str(path), TEST={})
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "timeout": timeout}
    return backend.DatabaseWrapper(settings, alias=f"retry-{timeout}")


@contextmanager
def _write_locked(path, seconds: float):
    """Another connection holds the write lock for ``seconds`` from entry; joined on exit."""
    taken = threading.Event()

    def hold():
        raw = sqlite3.connect(path, isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO t VALUES (0)")
        taken.set()
        time.sleep(seconds)
        raw.execute("COMMIT")
        raw.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert taken.wait(5)
        yield
    finally:
        thread.join()


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "lock.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("CREATE TABLE t (n INTEGER)")
    raw.commit()
    raw.close()
    return path


def test_the_engine_is_the_embedded_default():
    assert connection.settings_dict["ENGINE"] == "samizdat.core.sqlite"
    assert isinstance(connections["default"], backend.DatabaseWrapper)


def test_a_write_waits_for_the_lock_then_succeeds_without_sqlites_busy_handler(database):
    db = _wrapper(database, timeout=10)
    try:
        with db.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 0  # SQLite's 1-2-5 ms sleeps are off
        with _write_locked(database, 0.2), db.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (%s)", [1])  # busy, retried until free
        with db.cursor() as cursor:
            cursor.execute("SELECT n FROM t ORDER BY n")
            assert [row[0] for row in cursor.fetchall()] == [0, 1]  # once each
    finally:
        db.close()


def test_a_lock_held_past_the_timeout_is_the_usual_error(database):
    db = _wrapper(database, timeout=0.05)
    try:
        db.ensure_connection()
        with _write_locked(database, 0.5), pytest.raises(OperationalError, match="locked"):
            with db.cursor() as cursor:
                cursor.execute("INSERT INTO t VALUES (%s)", [1])
    finally:
        db.close()


def test_executemany_waits_with_sqlites_handler_and_puts_it_back(database):
    db = _wrapper(database, timeout=10)
    try:
        db.ensure_connection()
        with _write_locked(database, 0.2), db.cursor() as cursor:
            cursor.executemany("INSERT INTO t VALUES (%s)", [[1], [2], [3]])
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 0
        with db.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM t")
            assert cursor.fetchone()[0] == 4
    finally:
        db.close()


def test_other_errors_are_not_retried(database):
    db = _wrapper(database, timeout=10)
    try:
        with pytest.raises(OperationalError, match="no such table"):
            with db.cursor() as cursor:
                cursor.execute("SELECT * FROM missing")
    finally:
        db.close()


def test_a_wal_checkpoint_waits_for_readers_with_sqlites_handler(database):
    """privacy.addresses empties the WAL file; that pragma waits inside SQLite for readers."""
    db = _wrapper(database, timeout=10)
    try:
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (%s)", [1])  # frames in the WAL
        started = threading.Event()

        def read_a_while():
            raw = sqlite3.connect(database, isolation_level=None)
            raw.execute("BEGIN")
            raw.execute("SELECT COUNT(*) FROM t").fetchone()
            started.set()
            time.sleep(0.3)
            raw.execute("COMMIT")
            raw.close()

        reader = threading.Thread(target=read_a_while)
        reader.start()
        assert started.wait(5)
        with db.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            assert cursor.fetchone()[0] == 0  # not busy: it waited for the reader
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 0
        reader.join()
    finally:
        db.close()


def test_a_stale_snapshot_is_refused_at_once_not_retried(database, monkeypatch):
    """SQLITE_BUSY_SNAPSHOT: waiting cannot help, so it is the error it always was."""
    sleeps = []
    monkeypatch.setattr(backend.time, "sleep", sleeps.append)
    db = _wrapper(database, timeout=10)
    try:
        with db.cursor() as cursor:
            cursor.execute("BEGIN")  # a read transaction, as a chunked iterator holds one
            cursor.execute("SELECT COUNT(*) FROM t")
            cursor.fetchone()
            other = sqlite3.connect(database, isolation_level=None)
            other.execute("INSERT INTO t VALUES (5)")
            other.close()
            with pytest.raises(OperationalError):
                cursor.execute("INSERT INTO t VALUES (%s)", [6])
            cursor.execute("ROLLBACK")
        assert sleeps == []
    finally:
        db.close()


def test_outside_wal_mode_it_is_djangos_backend(tmp_path):
    path = tmp_path / "journal.sqlite3"
    sqlite3.connect(path).close()  # a new file: rollback journal
    settings = copy.deepcopy(connection.settings_dict)
    settings.update(NAME=str(path), TEST={})
    settings["OPTIONS"] = {"timeout": 3}  # no init command: no WAL
    db = backend.DatabaseWrapper(settings, alias="journal")
    try:
        with db.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 3000  # SQLite's handler, as before
            assert cursor.retrying is False
    finally:
        db.close()
