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
could stop half-way, so it keeps SQLite's busy handler for its duration instead.
"""

from __future__ import annotations

import sqlite3
import time

from django.db.backends.sqlite3 import base

SQLITE_BUSY = 5
SQLITE_LOCKED = 6
FIRST_WAIT = 0.00005
LONGEST_WAIT = 0.002


def is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)


class RetryingCursor(base.SQLiteCursorWrapper):
    timeout: float = 20.0  # set per connection (DatabaseWrapper.create_cursor)

    def execute(self, query, params=None):
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
        raw = self.connection
        raw.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        try:
            return super().executemany(query, param_list)
        finally:
            raw.execute("PRAGMA busy_timeout = 0")


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)  # the init commands, with the handler
        conn.execute("PRAGMA busy_timeout = 0")
        return conn

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=RetryingCursor)
        cursor.timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        return cursor
