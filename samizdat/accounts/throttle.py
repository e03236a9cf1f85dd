"""Sign-in throttling: growing delays, then a lockout, per account name and per client address.

Built on :mod:`samizdat.core.ratelimit`. Counters are keyed by a keyed hash of the name typed
(whether or not such an account exists, so the answers never tell) and of the client address.
A refusal says "try again in N s" instead of sleeping in the request. After
``LOGIN_ACCOUNT_LOCKOUT`` (or ``LOGIN_ADDRESS_LOCKOUT``) failures within a day the name (or
address) is locked out for ``LOGIN_LOCKOUT_SECONDS`` or until an administrator lifts it; lifting
starts fresh counters (the lockout count is part of the counter key).

The same machinery throttles the second factor (stage ``"otp"``), keyed by the account.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache

from samizdat.core import ratelimit

WINDOW = 24 * 3600


def client_address(request) -> str:
    """The client address used for throttling: the site's one rule (trusted proxies only)."""
    from samizdat.core.clientip import client_ip

    return client_ip(request) or "unknown"


def keyed(kind: str, value: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256
    ).hexdigest()


def account_key(username: str) -> str:
    return keyed("login-account", (username or "").strip().casefold())


def address_key(request) -> str:
    return keyed("login-address", client_address(request))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds; 0 with allowed=False means locked out
    locked: bool = False


def _now() -> float:
    return ratelimit.clock()


def _limits(scope: str) -> int:
    if scope == "address":
        return settings.LOGIN_ADDRESS_LOCKOUT
    return settings.LOGIN_ACCOUNT_LOCKOUT


def _active_lockout(scope: str, key: str):
    from .models import Lockout

    now = datetime.fromtimestamp(_now(), UTC)
    return (
        Lockout.objects.filter(scope=scope, key=key, lifted_at__isnull=True, until__gt=now)
        .order_by("-until")
        .first()
    )


def _epoch(scope: str, key: str) -> int:
    """The newest lockout's id: a new lockout (or lifting one) means fresh counters."""
    from django.db.models import Max

    from .models import Lockout

    return Lockout.objects.filter(scope=scope, key=key).aggregate(n=Max("id"))["n"] or 0


def _counter(stage: str, scope: str, key: str) -> tuple[str, str]:
    return f"{key}:{_epoch(scope, key)}", f"login-{stage}-{scope}"


def delay_after(failures: float) -> int:
    """Seconds to wait after ``failures`` failures: none for the first few, then doubling."""
    over = math.floor(failures) - settings.LOGIN_FREE_FAILURES
    if over < 0:
        return 0
    return min(2**over, settings.LOGIN_MAX_DELAY)


def check(stage: str, keys: dict[str, str]) -> Verdict:
    """May an attempt go ahead now? ``keys`` maps scope ("account", "address") to its key."""
    now = _now()
    wait = 0
    for scope, key in keys.items():
        if _active_lockout(scope, key):
            return Verdict(False, locked=True)
        counter, name = _counter(stage, scope, key)
        until = cache.get(f"{name}:wait:{counter}", 0)
        wait = max(wait, math.ceil(until - now))
    if wait > 0:
        return Verdict(False, retry_after=wait)
    return Verdict(True)


def fail(stage: str, keys: dict[str, str], user=None) -> list:
    """Count one failed attempt; return the lockouts it caused (new ``Lockout`` rows)."""
    from .models import Lockout

    now = _now()
    locked = []
    for scope, key in keys.items():
        counter, name = _counter(stage, scope, key)
        limit = _limits(scope)
        failures = ratelimit.hit_rate(name, counter, ratelimit.Rate(limit, WINDOW), now=now)
        delay = delay_after(failures)
        if delay:
            cache.set(f"{name}:wait:{counter}", now + delay, delay + 5)
        if failures >= limit:
            locked.append(
                Lockout.objects.create(
                    scope=scope,
                    key=key,
                    user=user if scope == Lockout.Scope.ACCOUNT else None,
                    failures=math.floor(failures),
                    locked_at=datetime.fromtimestamp(now, UTC),
                    until=datetime.fromtimestamp(now + settings.LOGIN_LOCKOUT_SECONDS, UTC),
                )
            )
    return locked


def succeed(stage: str, keys: dict[str, str]) -> None:
    """A right answer clears the account's waiting time (its failures still count)."""
    if "account" in keys:
        counter, name = _counter(stage, "account", keys["account"])
        cache.delete(f"{name}:wait:{counter}")


KEEP_LOCKOUTS = 7 * 24 * 3600


def purge_old_lockouts() -> int:
    """Forget lockouts ended a week ago: their keyed hashes identify a name or an address."""
    from datetime import timedelta

    from django.db.models import Q

    from .models import Lockout

    cutoff = datetime.fromtimestamp(_now(), UTC) - timedelta(seconds=KEEP_LOCKOUTS)
    count, _ = Lockout.objects.filter(Q(until__lt=cutoff) | Q(lifted_at__lt=cutoff)).delete()
    return count


def lift(lockout, by) -> None:
    """Lift a lockout. The next attempts start with fresh counters: the counters' key changed
    when the lockout began, and nothing was counted while it held."""
    from django.utils import timezone

    from . import audit

    lockout.lifted_at = timezone.now()
    lockout.lifted_by = by
    lockout.save(update_fields=["lifted_at", "lifted_by"])
    audit.record(
        "lockout.lifted",
        actor=by,
        obj=lockout.user,
        scope=lockout.scope,
        lockout=lockout.pk,
    )
