"""Django's SQLite backend, waiting for the write lock in short steps (the embedded default).

SQLite has one writer at a time. A connection that finds the lock taken runs its busy
handler, and SQLite's own sleeps 1, 2, 5, 10, 15, 20, 25… ms between tries. A comment POST
makes five small write transactions, each holding the lock for a fraction of a millisecond,
so with two workers a POST often slept a whole millisecond or more for a lock that was free
again after 0.1 ms (docs/performance.md, "Waiting for the write lock").

Here the busy handler is off once the connection is set up (``PRAGMA busy_timeout = 0``), and
a statement that finds the database busy is tried again after 50 µs, doubling to at most
2 ms, until the ``timeout`` option (seconds) has passed; then the error is raised as before.
Retrying is safe because a statement that got ``SQLITE_BUSY`` did nothing: in autocommit a
write statement is its own transaction, and inside ``atomic`` the lock is taken by ``BEGIN
IMMEDIATE`` (``transaction_mode``), which is itself a retried statement. ``executemany``
could stop half-way, and pragmas such as ``wal_checkpoint(TRUNCATE)`` wait inside SQLite
(and report "busy" as a result, not an error), so those keep SQLite's busy handler while they
run. Not retried: ``SQLITE_BUSY_SNAPSHOT`` (a stale read transaction trying to write: SQLite
refuses it at once because waiting cannot help) and ``SQLITE_LOCKED``. All this only in WAL
mode, where a ``COMMIT`` never waits for a lock; in another journal mode the backend is
Django's, busy handler and all.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager

from django.db.backends.sqlite3 import base

# SQLITE_BUSY and SQLITE_BUSY_RECOVERY: worth waiting for. Not SQLITE_BUSY_SNAPSHOT (517), a
# read transaction whose snapshot is stale (waiting cannot help: SQLite refuses at once), nor
# SQLITE_LOCKED, which never went through the busy handler either.
RETRIED = {5, 261}
FIRST_WAIT = 0.00005
LONGEST_WAIT = 0.002


def is_busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in RETRIED


def _needs_handler(query: str) -> bool:
    """A pragma that waits inside SQLite (``wal_checkpoint(TRUNCATE)`` waits for readers and
    reports a busy result, not an error): it keeps SQLite's busy handler."""
    head = query.lstrip()[:40].lower()
    return head.startswith("pragma") and "busy_timeout" not in head


class RetryingCursor(base.SQLiteCursorWrapper):
    timeout: float = 20.0  # set per connection (DatabaseWrapper.create_cursor)
    retrying = True  # False when the database is not in WAL mode (see get_new_connection)

    def execute(self, query, params=None):
        if not self.retrying:
            return super().execute(query, params)
        if _needs_handler(query):
            with self._sqlite_waits():
                return super().execute(query, params)
        wait, deadline = FIRST_WAIT, None
        while True:
            try:
                return super().execute(query, params)
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    raise
                now = time.monotonic()
                if deadline is None:
                    deadline = now + self.timeout
                if now + wait > deadline:
                    raise
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)

    def executemany(self, query, param_list):
        if not self.retrying:
            return super().executemany(query, param_list)
        with self._sqlite_waits():
            return super().executemany(query, param_list)

    @contextmanager
    def _sqlite_waits(self):
        raw = self.connection
        raw.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        try:
            yield
        finally:
            raw.execute("PRAGMA busy_timeout = 0")


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)  # the init commands, with the handler
        # Only in WAL: there a COMMIT (``connection.commit()``, not a cursor statement) never
        # waits for a lock; in the other journal modes it may, so SQLite's handler stays on.
        self.retrying = conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        if self.retrying:
            conn.execute("PRAGMA busy_timeout = 0")
        return conn

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=RetryingCursor)
        cursor.timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        cursor.retrying = getattr(self, "retrying", False)
        return cursor
