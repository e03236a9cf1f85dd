"""Actors (one per language), their followers, outgoing deliveries, remote keys, seen ids."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samizdat import languages


class Actor(models.Model):
    """The organisation in one language (``@ru@host``); its RSA key pair.

    The private key is stored in the database as encrypted PKCS#8 (keys.py): the passphrase is
    derived from the site's SECRET_KEY, so a database dump alone does not give the key away.
    """

    language = models.CharField(_("language"), max_length=languages.MAX_CODE_LENGTH, unique=True)
    private_key = models.TextField(editable=False)
    public_key = models.TextField(_("public key"), editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["language"]
        verbose_name = _("fediverse actor")
        verbose_name_plural = _("fediverse actors")

    def __str__(self) -> str:
        return f"@{self.language}"


class Follower(models.Model):
    """A remote actor that follows one of ours (from its accepted ``Follow``)."""

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="followers", verbose_name=_("actor")
    )
    uri = models.URLField(_("follower"), max_length=500)
    inbox = models.URLField(_("inbox"), max_length=500)
    shared_inbox = models.URLField(_("shared inbox"), max_length=500, blank=True)
    follow_id = models.URLField(_("Follow activity"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(fields=["actor", "uri"], name="one_follow_per_actor")
        ]

    def __str__(self) -> str:
        return self.uri

    @property
    def delivery_inbox(self) -> str:
        return self.shared_inbox or self.inbox


class Delivery(models.Model):
    """One activity to one inbox: the row the delivery task works from (never sent twice)."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        RETRYING = "retrying", _("retrying")
        SENT = "sent", _("delivered")
        FAILED = "failed", _("failed")

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("actor")
    )
    activity_id = models.URLField(_("activity"), max_length=500)
    kind = models.CharField(_("type"), max_length=20)
    payload = models.JSONField(editable=False)
    inbox = models.URLField(_("inbox"), max_length=500)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["activity_id", "inbox"], name="one_delivery_per_inbox")
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.inbox}"


class RemoteKey(models.Model):
    """A remote actor's public key, cached by its keyId (refetched once when a check fails)."""

    key_id = models.URLField(max_length=500, unique=True)
    owner = models.URLField(max_length=500)
    public_key = models.TextField()
    fetched_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("remote key")
        verbose_name_plural = _("remote keys")

    def __str__(self) -> str:
        return self.key_id


class SeenActivity(models.Model):
    """Ids of activities our inbox accepted: a replay is answered but not processed again."""

    activity_id = models.CharField(max_length=500, unique=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.activity_id
