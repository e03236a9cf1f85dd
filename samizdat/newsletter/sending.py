"""Sending a statement to its language's list through the task queue, resumable.

:func:`start_send` (the editor's action; never automatic) makes one :class:`Delivery` row
per confirmed subscriber and queues :func:`send_batch`. A batch claims rows one at a time with
an atomic ``UPDATE … WHERE state = 'pending'`` (two workers never claim the same row), sends
the message in its own SMTP transaction, and marks the row sent right after the server
accepted it. It sends at most ``NEWSLETTER_BATCH`` mails at ``NEWSLETTER_RATE`` per second,
then queues the next batch.

Failures: a temporary one (4xx, connection refused or dropped, timeout) puts the row back
with a back-off (``MAIL_RETRY_SECONDS`` × 1, 4, 16 …, at most ``MAIL_MAX_ATTEMPTS`` tries);
a connection failure also ends the batch, whose successor waits for the back-off. A 5xx for
the recipient is a hard bounce: the row is "bounced" and the subscription deleted. Other 5xx
refusals are recorded as "failed".

A worker killed mid-send leaves at most one row "sending" (the mail in flight: it may or may
not have reached the server). The periodic ``newsletter.resume`` job marks such rows
"interrupted" once their lease has passed — they are not sent again (at most once) — and
queues a new batch for the rest.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django_tasks import task

from samizdat.core.mail import is_temporary, retry_delay

from . import conf
from .message import Composer
from .models import Delivery, Send, Subscriber

log = logging.getLogger(__name__)
State = Delivery.State


class NotPublic(Exception):
    """Only public statements are sent."""


def start_send(statement, actor=None) -> tuple[Send, bool]:
    """Queue the statement for its language's list; (send, created). Sends once per statement."""
    if not statement.is_public:
        raise NotPublic(statement.pk)
    with transaction.atomic():
        send, created = Send.objects.get_or_create(
            statement=statement,
            defaults={"language": statement.language, "created_by": actor},
        )
        if not created:
            return send, False
        ids = Subscriber.objects.confirmed().filter(language=statement.language)
        rows = [Delivery(send=send, subscriber_id=pk) for pk in ids.values_list("pk", flat=True)]
        Delivery.objects.bulk_create(rows, batch_size=1000)
        now = timezone.now()
        Send.objects.filter(pk=send.pk).update(total=len(rows), next_run_at=now)
        send.total = len(rows)
        transaction.on_commit(lambda: _enqueue(send.pk))
    return send, True


def _enqueue(send_id: int, run_after: dt.datetime | None = None) -> None:
    backend = send_batch.get_backend()
    if run_after is not None and run_after > timezone.now():
        if not backend.supports_defer:
            return  # the periodic resume job picks it up when it is due
        send_batch.using(run_after=run_after).enqueue(send_id)
    else:
        send_batch.enqueue(send_id)


def _describe(error: Exception) -> str:
    """The error's kind and code, never its text (SMTP replies quote the address)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return f"SMTPRecipientsRefused {codes[0] if codes else ''}".strip()
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}{f' {code}' if code else ''}"[:60]


def claim_next(send: Send, now: dt.datetime) -> Delivery | None:
    """Take the next due pending row for this worker; None when there is none."""
    for _ in range(20):
        candidate = (
            Delivery.objects.filter(send=send, state=State.PENDING)
            .exclude(next_attempt_at__gt=now)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if candidate is None:
            return None
        claimed = Delivery.objects.filter(pk=candidate, state=State.PENDING).update(
            state=State.SENDING, claimed_at=timezone.now()
        )
        if claimed:
            return Delivery.objects.select_related("subscriber").get(pk=candidate)
    return None  # lost every race: other workers are on it


def _set(delivery: Delivery, **fields) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(**fields)


def _temporary(delivery: Delivery, error: Exception) -> None:
    attempts = delivery.attempts + 1
    if attempts >= settings.MAIL_MAX_ATTEMPTS:
        _set(delivery, state=State.FAILED, attempts=attempts, error=_describe(error))
        return
    later = timezone.now() + dt.timedelta(seconds=retry_delay(attempts))
    _set(
        delivery,
        state=State.PENDING,
        attempts=attempts,
        next_attempt_at=later,
        error=_describe(error),
    )


def _permanent(delivery: Delivery, error: Exception) -> None:
    bounced = isinstance(error, smtplib.SMTPRecipientsRefused)
    state = State.BOUNCED if bounced else State.FAILED
    _set(delivery, state=state, attempts=delivery.attempts + 1, error=_describe(error))
    if bounced and delivery.subscriber_id:
        Subscriber.objects.filter(pk=delivery.subscriber_id).delete()  # hard bounce


class Pacer:
    """Sleeps so that mails leave at most ``rate`` per second."""

    def __init__(self, rate: float) -> None:
        self.interval = 1 / rate if rate else 0.0
        self.next = time.monotonic()

    def wait(self) -> None:
        if self.interval:
            pause = self.next - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self.next = max(self.next, time.monotonic()) + self.interval


@task()
def send_batch(send_id: int) -> dict:
    """Send up to one batch of a send's mails; queue the next batch (or finish the send)."""
    send = Send.objects.filter(pk=send_id).select_related("statement__section").first()
    if send is None or send.state == Send.State.DONE:
        return {"sent": 0}
    now = timezone.now()
    Send.objects.filter(pk=send.pk, started_at__isnull=True).update(started_at=now)
    Send.objects.filter(pk=send.pk).update(state=Send.State.SENDING, heartbeat=now)
    composer = Composer(send.statement)
    pacer = Pacer(conf.rate())
    sent = 0
    connection = None
    try:
        for _ in range(conf.batch_size()):
            delivery = claim_next(send, timezone.now())
            if delivery is None:
                break
            subscriber = delivery.subscriber
            if subscriber is None or not subscriber.is_confirmed:
                _set(delivery, state=State.SKIPPED)
                continue
            pacer.wait()
            message = composer.message(subscriber.email, subscriber.key)
            try:
                if connection is None:
                    connection = get_connection(fail_silently=False)
                    connection.open()
                connection.send_messages([message])
            except Exception as error:
                if not is_temporary(error):
                    _permanent(delivery, error)
                    continue
                _temporary(delivery, error)
                if _still_connected(error):
                    continue  # a 4xx reply: the connection is good, go on with the next one
                log.warning("newsletter send %s: %s; batch ends", send.pk, _describe(error))
                _close(connection)
                connection = None
                break
            # The server has the mail: record it at once (the at-most-once window is here).
            done = timezone.now()
            _set(delivery, state=State.SENT, sent_at=done, attempts=delivery.attempts + 1)
            Send.objects.filter(pk=send.pk).update(heartbeat=done)
            sent += 1
    finally:
        _close(connection)
    return {"sent": sent, **schedule_next(send)}


def _still_connected(error: Exception) -> bool:
    """A reply refused one mail (smtplib has reset the transaction); the session lives on."""
    return isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def _close(connection) -> None:
    if connection is not None:
        try:
            connection.close()
        except Exception:  # a dead connection's QUIT fails; it is closed all the same
            pass


def schedule_next(send: Send) -> dict:
    """Queue the next batch when rows wait; mark the send done when none are left."""
    rows = Delivery.objects.filter(send=send)
    now = timezone.now()
    if rows.filter(state=State.PENDING).exclude(next_attempt_at__gt=now).exists():
        Send.objects.filter(pk=send.pk).update(next_run_at=now)
        _enqueue(send.pk)
        return {"next": "now"}
    later = rows.filter(state=State.PENDING).aggregate(at=Min("next_attempt_at"))["at"]
    if later is not None:
        Send.objects.filter(pk=send.pk).update(next_run_at=later)
        _enqueue(send.pk, later)
        return {"next_in": max(0, round((later - now).total_seconds()))}
    if rows.filter(state=State.SENDING).exists():
        return {}  # another worker has a mail in flight; it (or the resume job) finishes
    Send.objects.filter(pk=send.pk).exclude(state=Send.State.DONE).update(
        state=Send.State.DONE, finished_at=now, next_run_at=None
    )
    return {"done": 1}


def resume_stale(now: dt.datetime | None = None) -> int:
    """Periodic job: pick up sends whose worker died. Returns how many sends it queued."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=conf.lease_seconds())
    stale = Delivery.objects.filter(state=State.SENDING, claimed_at__lt=cutoff)
    for send_id in set(stale.values_list("send_id", flat=True)):
        n = stale.filter(send_id=send_id).update(state=State.INTERRUPTED, error="worker stopped")
        log.warning("newsletter send %s: %d mail(s) in flight when a worker stopped", send_id, n)
    queued = 0
    active = Send.objects.exclude(state=Send.State.DONE).filter(next_run_at__lt=cutoff)
    for send in active.exclude(heartbeat__gte=cutoff):
        Send.objects.filter(pk=send.pk).update(next_run_at=now)
        if schedule_next(send).get("done"):
            continue
        queued += 1
    return queued


def prune_old_deliveries(now: dt.datetime | None = None) -> int:
    """Keep the per-recipient rows of finished sends for NEWSLETTER_DELIVERY_DAYS only; the
    send keeps its totals."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=conf.delivery_retention_days())
    pruned = 0
    for send in Send.objects.filter(state=Send.State.DONE, finished_at__lt=cutoff):
        if not send.deliveries.exists():
            continue
        Send.objects.filter(pk=send.pk).update(summary=send.counts())
        pruned += send.deliveries.all().delete()[0]
    return pruned
