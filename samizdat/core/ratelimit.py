"""Rate limits shared by every app (comments, sign-in throttling, subscriptions).

One interface: :func:`hit_rate` counts an event and returns the sliding-window estimate of
events in the last window; :func:`over_rate` says whether that is above the limit. Scopes keep
the counters of different limits apart ("client", "statement", "login-account", …).

Counting is atomic wherever the counters live, so several gunicorn workers (or machines)
count every event exactly once:

* Redis (``SAMIZDAT_CACHE_URL=redis://…``): ``INCR`` plus an expiry, shared by every server;
* the in-process memory cache (``locmem://``, one process only): the cache's locked ``incr``;
* otherwise (the embedded default): a row per counter in the database, bumped with one
  ``INSERT … ON CONFLICT DO UPDATE SET n = n + 1 RETURNING n``; spent rows are purged by
  the periodic job ``core.purge-rate-counters`` (:func:`purge_expired`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.db import connection


@dataclass(frozen=True)
class Rate:
    """At most ``limit`` events per ``window`` seconds."""

    limit: int
    window: int


def clock() -> float:
    """The clock of the counters (tests replace it to move time without sleeping)."""
    return time.time()


def _store() -> str:
    backend = caches["default"].__class__.__name__
    if backend == "RedisCache":
        return "redis"
    if backend == "LocMemCache":
        return "locmem"
    return "database"


def _count_locmem(cache_key: str, ttl: int) -> int:
    cache.add(cache_key, 0, ttl)
    try:
        return cache.incr(cache_key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(cache_key, 1, ttl)
        return 1


def _count_redis(cache_key: str, ttl: int) -> int:
    # Django's RedisCache.incr checks EXISTS first (racy at expiry); one pipeline is atomic.
    key = cache.make_and_validate_key(cache_key)
    client = cache._cache.get_client(key, write=True)
    with client.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, ttl, nx=True)
        count, _ = pipe.execute()
    return int(count)


def _table() -> str:
    from .models import RateCounter

    return connection.ops.quote_name(RateCounter._meta.db_table)


def _count_database(cache_key: str, expires: float) -> int:
    table, q = _table(), connection.ops.quote_name
    key, n = q("key"), q("n")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, {n}, {q('expires')}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({key}) DO UPDATE SET {n} = {table}.{n} + 1 RETURNING {n}",
            [cache_key, expires],
        )
        return int(cursor.fetchone()[0])


def _read(cache_key: str, store: str) -> int:
    if store != "database":
        return int(cache.get(cache_key, 0) or 0)
    with connection.cursor() as cursor:
        q = connection.ops.quote_name
        cursor.execute(f"SELECT {q('n')} FROM {_table()} WHERE {q('key')} = %s", [cache_key])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def count(cache_key: str, ttl: int, now: float) -> int:
    """Add one to the counter ``cache_key`` (kept ``ttl`` seconds); return its new value."""
    store = _store()
    if store == "redis":
        return _count_redis(cache_key, ttl)
    if store == "locmem":
        return _count_locmem(cache_key, ttl)
    return _count_database(cache_key, now + ttl)


def hit_rate(scope: str, key: str, rate: Rate, now: float | None = None) -> float:
    """Count one event; return the sliding-window estimate of events in the last window.

    Two fixed-window counters: this window's count plus the previous window's, weighted by
    how much of it still overlaps. Refused events count too, so a client that keeps going
    above the limit stays limited.
    """
    now = clock() if now is None else now
    window, into = divmod(now, rate.window)
    prefix = f"ratelimit:{scope}:{key}:{rate.window}"
    current = count(f"{prefix}:{int(window)}", 2 * rate.window + 5, now)
    previous = _read(f"{prefix}:{int(window) - 1}", _store())
    return current + previous * (1 - into / rate.window)


def over_rate(scope: str, key: str, rate: Rate, now: float | None = None) -> bool:
    """Count this event; True once more than ``rate.limit`` happened in the last window."""
    return hit_rate(scope, key, rate, now) > rate.limit


def purge_expired(now: float | None = None) -> int:
    """Delete spent database counters (Redis and memory expire their own); return how many."""
    from .models import RateCounter

    now = clock() if now is None else now
    deleted, _ = RateCounter.objects.filter(expires__lt=now).delete()
    return deleted
