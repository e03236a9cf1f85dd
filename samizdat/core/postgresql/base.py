"""Django's PostgreSQL backend with a health check that costs no round trip under load.

With ``CONN_HEALTH_CHECKS`` Django checks a kept connection with ``SELECT 1`` before the first
query of every request. A cached page makes one query of its own (the content versions), so
the check doubled its trips to the server. Here a connection that psycopg does not already
know to be closed or broken is checked with ``SELECT 1`` only when it has been idle for more
than :data:`IDLE_CHECK` seconds; a connection in steady use proved itself on the previous
request. A server restarted while requests keep coming is then noticed by the next query
instead. The content versions read, every public page's first query, tries once more on a new
connection (``caching.versions.read``); any other request fails once, and Django closes the
broken connection at its end (docs/performance.md, "Health checks on PostgreSQL").
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base

IDLE_CHECK = 1.0  # seconds


class DatabaseWrapper(base.DatabaseWrapper):
    _last_checked = float("-inf")

    def is_usable(self):
        if self.connection is None or self.connection.closed or self.connection.broken:
            return False
        now = time.monotonic()
        previous, self._last_checked = self._last_checked, now
        if now - previous < IDLE_CHECK and not self.errors_occurred:
            return True
        return super().is_usable()  # idle, or Django asks after an error: ask the server
