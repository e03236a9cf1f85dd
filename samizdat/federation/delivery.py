"""Outgoing activities: one Delivery row per inbox, sent by the task queue with back-off.

``fan_out`` (a task) turns one activity into rows — one per distinct inbox, a follower's
shared inbox when it offers one — and queues ``deliver`` for each. ``deliver`` takes its row,
skips it when it was already delivered (a task run twice after a restart sends nothing
twice), signs and POSTs, and on a temporary failure (no answer, 5xx, 408, 429) queues the next
attempt after 1, 4, 16 … × SAMIZDAT_FEDERATION_RETRY_SECONDS; a 4xx is final.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from . import remote
from .models import Actor, Delivery, Follower

log = logging.getLogger(__name__)
MAX_RETRY_DELAY = 6 * 3600
TEMPORARY_STATUSES = {408, 425, 429}


def retry_delay(attempt: int) -> float:
    return min(MAX_RETRY_DELAY, settings.FEDERATION_RETRY_SECONDS * 4 ** (attempt - 1))


def inboxes(actor: Actor) -> list[str]:
    """Each follower's delivery inbox once (many followers on one server share one)."""
    seen: dict[str, None] = {}
    for inbox, shared in actor.followers.values_list("inbox", "shared_inbox"):
        seen.setdefault(shared or inbox)
    return list(seen)


def queue(actor: Actor, activity: dict, targets: list[str]) -> list[int]:
    """Delivery rows for the targets that have none for this activity yet; deliver queued."""
    created = []
    for inbox in targets:
        try:
            with transaction.atomic():
                row = Delivery.objects.create(
                    actor=actor,
                    activity_id=activity["id"],
                    kind=activity["type"],
                    payload=activity,
                    inbox=inbox,
                )
        except IntegrityError:
            continue  # already queued: nothing is sent twice
        created.append(row.pk)
    for pk in created:
        transaction.on_commit(lambda pk=pk: deliver.enqueue(pk))
    return created


@task()
def fan_out(actor_pk: int, activity: dict) -> dict:
    actor = Actor.objects.filter(pk=actor_pk).first()
    if actor is None:
        return {"queued": 0}
    return {"queued": len(queue(actor, activity, inboxes(actor)))}


def send(row: Delivery) -> Delivery:
    """One attempt at one delivery; updates and returns the row (no retry scheduling)."""
    body = json.dumps(row.payload, ensure_ascii=False).encode()
    row.attempts += 1
    try:
        status = remote.post(row.inbox, body, row.actor)
    except remote.RemoteError as error:
        row.last_status, row.last_error = None, str(error)[:300]
        row.state = Delivery.State.RETRYING if error.temporary else Delivery.State.FAILED
    else:
        row.last_status, row.last_error = status, ""
        if 200 <= status < 300:
            row.state = Delivery.State.SENT
        elif status >= 500 or status in TEMPORARY_STATUSES:
            row.state = Delivery.State.RETRYING
        else:
            row.state = Delivery.State.FAILED
    row.save(update_fields=["attempts", "last_status", "last_error", "state", "updated_at"])
    return row


def claim(delivery_pk: int) -> Delivery | None:
    """Take a row that is waiting (one conditional UPDATE, so two workers never both send it);
    None when it is delivered, failed, gone or being sent by someone else."""
    waiting = (Delivery.State.PENDING, Delivery.State.RETRYING)
    taken = Delivery.objects.filter(pk=delivery_pk, state__in=waiting).update(
        state=Delivery.State.SENDING, updated_at=timezone.now()
    )
    if not taken:
        return None
    return Delivery.objects.select_related("actor").get(pk=delivery_pk)


@task()
def deliver(delivery_pk: int) -> dict:
    """One attempt at a queued delivery (no transaction is held while the peer answers)."""
    row = claim(delivery_pk)
    if row is None:
        return {"state": "skipped"}
    send(row)
    if row.state == Delivery.State.RETRYING:
        backend = deliver.get_backend()
        if row.attempts < settings.FEDERATION_MAX_ATTEMPTS and backend.supports_defer:
            delay = retry_delay(row.attempts)
            log.warning(
                "delivery %s to %s: attempt %d failed (%s), next in %d s",
                row.kind,
                row.inbox,
                row.attempts,
                row.last_error or row.last_status,
                delay,
            )
            run_after = timezone.now() + dt.timedelta(seconds=delay)
            deliver.using(run_after=run_after).enqueue(row.pk)
        else:
            row.state = Delivery.State.FAILED
            row.save(update_fields=["state", "updated_at"])
    return {"state": row.state, "attempts": row.attempts}


def recover_stale(minutes: int = 30) -> int:
    """Rows left "sending" by a worker that died mid-request go back to the queue."""
    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    stale = list(
        Delivery.objects.filter(state=Delivery.State.SENDING, updated_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    Delivery.objects.filter(pk__in=stale).update(state=Delivery.State.RETRYING)
    for pk in stale:
        deliver.enqueue(pk)
    return len(stale)


def publish_activity(actor: Actor, activity: dict) -> None:
    """Queue the fan-out of one activity to the actor's followers once the change commits."""
    if not Follower.objects.filter(actor=actor).exists():
        return
    transaction.on_commit(lambda: fan_out.enqueue(actor.pk, activity))
