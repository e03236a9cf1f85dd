"""Rate limits shared by every app (comments, sign-in throttling, subscriptions).

One interface: :func:`hit_rate` counts an event and returns the sliding-window estimate of
events in the last window; :func:`over_rate` says whether that is above the limit. Scopes keep
the counters of different limits apart ("client", "statement", "login-account", …).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Rate:
    """At most ``limit`` events per ``window`` seconds."""

    limit: int
    window: int


def clock() -> float:
    """The clock of the counters (tests replace it to move time without sleeping)."""
    return time.time()


def _count(cache_key: str, ttl: int) -> int:
    cache.add(cache_key, 0, ttl)
    try:
        return cache.incr(cache_key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(cache_key, 1, ttl)
        return 1


def hit_rate(scope: str, key: str, rate: Rate, now: float | None = None) -> float:
    """Count one event; return the sliding-window estimate of events in the last window.

    Two fixed-window counters: this window's count plus the previous window's, weighted by
    how much of it still overlaps. Refused events count too, so a client that keeps going
    above the limit stays limited.
    """
    now = clock() if now is None else now
    window, into = divmod(now, rate.window)
    prefix = f"ratelimit:{scope}:{key}:{rate.window}"
    current = _count(f"{prefix}:{int(window)}", 2 * rate.window + 5)
    previous = cache.get(f"{prefix}:{int(window) - 1}", 0)
    return current + previous * (1 - into / rate.window)


def over_rate(scope: str, key: str, rate: Rate, now: float | None = None) -> bool:
    """Count this event; True once more than ``rate.limit`` happened in the last window."""
    return hit_rate(scope, key, rate, now) > rate.limit
