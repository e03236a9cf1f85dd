"""Address hashes keyed with a random key per UTC day that is destroyed when the day is over.

While a day's key exists, a hash can be recomputed from a candidate address (the whole IPv4
space is 2^32 guesses), so "same address as that comment" works for moderation and rate limits.
When the day ends the key is deleted (at the first hash of the next day, and by the hourly
periodic job); from then on the day's hashes only say "these comments came from one address",
and nothing on the disk can turn them back into an address (docs/privacy.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets

from django.db import connection, transaction
from django.utils import timezone

from .models import AddressKey

log = logging.getLogger(__name__)
_keys: dict[dt.date, bytes] = {}  # this process's copy of today's key


def utc_day(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(dt.UTC).date()


def key_for(day: dt.date) -> bytes:
    """The key of ``day``, made (random, never derived) when first needed."""
    if day in _keys:
        return _keys[day]
    row, created = AddressKey.objects.get_or_create(
        day=day, defaults={"key": secrets.token_hex(32)}
    )
    key = bytes.fromhex(row.key)
    if created:
        transaction.on_commit(destroy_old_keys)

    def remember() -> None:  # only a committed key: a rolled-back one would differ elsewhere
        _keys.clear()  # other days' keys leave this process's memory too
        _keys[day] = key

    transaction.on_commit(remember)
    return key


def address_hash(value: str, day: dt.date | None = None) -> str:
    """HMAC-SHA256 of ``value`` (an address or /64 network) under the day's random key."""
    key = key_for(day or utc_day())
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def destroy_old_keys(now: dt.datetime | None = None) -> int:
    """Delete the keys of past days and scrub them from the database files; return how many."""
    today = utc_day(now)
    for day in [d for d in _keys if d < today]:
        del _keys[day]
    deleted, _ = AddressKey.objects.filter(day__lt=today).delete()
    if deleted and not connection.in_atomic_block:
        scrub_database()
    return deleted


def scrub_database() -> None:
    """Make deleted rows unreadable in the files (SQLite: secure_delete is on; empty the WAL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Waits for readers (SQLite's busy handler, kept for pragmas: core/sqlite) and
            # says in its first column whether it could not finish.
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()
            if busy and busy[0]:
                log.warning("the WAL file could not be emptied now (readers); next run retries")
        elif connection.vendor == "postgresql":
            # Rewrites the (tiny) table into a new file; the old one, with dead rows, is unlinked.
            cursor.execute(f"VACUUM FULL {AddressKey._meta.db_table}")
