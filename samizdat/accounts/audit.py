"""The audit trail: append-only entries chained by SHA-256.

Other apps call :func:`record`::

    from samizdat.accounts import audit
    audit.record("statement.published", actor=request.user, obj=statement, request=request,
                 language=statement.language)

``action`` is a short dotted name (``"statement.published"``, ``"signature.made"``,
``"key.rotated"``); ``actor`` a user (or None: the request's user is used when a request is
given, or the current request's user inside a request); ``obj`` a model instance (or
``(model, pk, repr)`` for one already deleted); ``details`` JSON-serialisable keyword arguments.
Never pass passwords, codes or client addresses: entries are permanent (deleting one breaks the
chain). It may be called inside a transaction: the entry is written (or not) with it.

Each entry's hash covers a canonical JSON serialisation of its actor, time, action, object,
details and the previous entry's hash; :func:`verify` recomputes the chain and returns the first
entry that does not match.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import random
import time
from dataclasses import dataclass
from datetime import UTC

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

GENESIS = "0" * 64
_request = contextvars.ContextVar("audit_request", default=None)


def set_current_request(request):
    """Set by the middleware, so records made deep inside a request know their actor."""
    return _request.set(request)


def reset_current_request(token) -> None:
    _request.reset(token)


def canonical(entry) -> bytes:
    """The bytes the hash covers (stable across databases: times in UTC, microseconds)."""
    payload = {
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "at": entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def _actor(actor, request):
    if actor is None and request is None:
        request = _request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, ""
    return actor.pk, actor.get_username()


def _object(obj):
    if obj is None:
        return "", "", ""
    if isinstance(obj, tuple):  # (model class or label, pk, repr) of an object now gone
        model, pk, text = obj
        label = model._meta.label_lower if hasattr(model, "_meta") else str(model or "")
        return label, str(pk), str(text)[:200]
    meta = obj._meta
    return meta.label_lower, str(obj.pk if obj.pk is not None else ""), str(obj)[:200]


CHAIN_LOCK = 0x5A4D_4155  # PostgreSQL advisory lock id for appending to the chain


def _lock_chain() -> None:
    """Serialise appenders on PostgreSQL (until the transaction ends); SQLite's IMMEDIATE
    transactions already do. The unique ``prev_hash`` stays the guarantee either way."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def record(action: str, *, actor=None, obj=None, request=None, **details):
    """Append one entry to the chain and return it. Safe under concurrency: see ``prev_hash``."""
    from .models import AuditEntry

    actor_id, actor_name = _actor(actor, request)
    object_type, object_id, object_repr = _object(obj)
    # What is hashed must be what is read back: round-trip the details through JSON now.
    details = json.loads(json.dumps(details, default=str))
    for attempt in range(50):
        try:
            with transaction.atomic():
                _lock_chain()
                last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
                entry = AuditEntry(
                    at=timezone.now(),
                    actor_id=actor_id,
                    actor_name=actor_name,
                    action=action[:64],
                    object_type=object_type,
                    object_id=object_id[:64],
                    object_repr=object_repr,
                    details=details,
                    prev_hash=last or GENESIS,
                )
                entry.hash = entry_hash(entry)
                entry.save()
                return entry
        except IntegrityError:  # another writer appended first: chain on top of it
            time.sleep(random.uniform(0, 0.005 * (attempt + 1)))
    raise RuntimeError("audit: could not append after 50 attempts")


@dataclass
class Broken:
    entry_id: int
    action: str
    reason: str

    def __str__(self) -> str:
        return f"entry #{self.entry_id} ({self.action}): {self.reason}"


def verify(progress=None) -> tuple[int, Broken | None]:
    """Check the whole chain in order; return (entries checked, first broken entry or None)."""
    from .models import AuditEntry

    previous = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != previous:
            return checked, Broken(
                entry.pk, entry.action, "does not follow the entry before it (deleted or edited)"
            )
        if entry_hash(entry) != entry.hash:
            return checked, Broken(entry.pk, entry.action, "content does not match its hash")
        previous = entry.hash
        checked += 1
        if progress is not None:
            progress(checked)
    return checked, None


def verify_and_log() -> Broken | None:
    """The worker's daily check: a broken chain is logged as an error (operators alert on it)."""
    import logging

    checked, broken = verify()
    if broken:
        logging.getLogger("samizdat.audit").error("audit trail broken at %s", broken)
    return broken
