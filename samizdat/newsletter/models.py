"""Subscribers (one row per address and language list), sends, and one delivery row per
recipient of a send (its state is what lets an interrupted send resume without doubles)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samizdat import languages
from samizdat.publishing.models import Statement


def new_key() -> str:
    return secrets.token_urlsafe(24)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        return self.filter(confirmed_at__isnull=True)


class Subscriber(models.Model):
    """An address on one language's list. Kept only while it is subscribed: unsubscribing,
    a hard bounce or the owner's delete request removes the row; an unconfirmed one expires."""

    email = models.EmailField(_("email address"), max_length=254)
    language = models.CharField(_("language"), max_length=12, choices=languages.choices)
    # Random, per subscription: the signed links (confirm, unsubscribe) name this, not the address.
    key = models.CharField(max_length=40, unique=True, default=new_key, editable=False)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirm_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(fields=["email", "language"], name="newsletter_one_per_list")
        ]
        indexes = [models.Index(fields=["language", "confirmed_at"])]

    def __str__(self) -> str:
        return f"{self.language}: {self.email}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Send(models.Model):
    """One statement sent to its language's list (at most once per statement)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Done")

    statement = models.OneToOneField(
        Statement, on_delete=models.CASCADE, related_name="newsletter_send"
    )
    language = models.CharField(_("language"), max_length=12)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    total = models.PositiveIntegerField(_("recipients"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Last progress of a worker, and when the next batch task should run: the periodic
    # ``newsletter.resume`` job queues a new batch when both are long past (worker died).
    heartbeat = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    # Totals kept when the delivery rows are pruned (after NEWSLETTER_DELIVERY_DAYS).
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("newsletter send")
        verbose_name_plural = _("newsletter sends")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.language}: {self.statement}"

    def counts(self) -> dict[str, int]:
        found = dict(self.deliveries.values_list("state").annotate(n=models.Count("pk")).order_by())
        return {state: found.get(state, 0) for state in Delivery.State.values} | (
            self.summary if not found else {}
        )


class Delivery(models.Model):
    """One recipient of one send. Holds no address: the subscriber row does (while it exists).

    pending → sending (claimed by one worker, atomically) → sent; a temporary SMTP failure puts
    it back to pending with a later ``next_attempt_at``; a refusal (5xx) makes it failed, a
    hard bounce (5xx for the recipient) bounced. A row found "sending" after its worker died
    becomes interrupted and is not sent again (at most once; see docs/newsletter.md).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced (unsubscribed)")
        INTERRUPTED = "interrupted", _("Interrupted (not resent)")
        SKIPPED = "skipped", _("Skipped (unsubscribed meanwhile)")

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, null=True, on_delete=models.SET_NULL)
    state = models.CharField(max_length=12, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=60, blank=True)  # e.g. "SMTPDataError 451", no text

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["send", "subscriber"], name="newsletter_one_copy")
        ]
        indexes = [models.Index(fields=["send", "state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.send_id}/{self.pk}: {self.state}"
