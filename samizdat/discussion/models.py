"""Comments, the blocklist, per-statement settings and spent captcha nonces."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samizdat import languages
from samizdat.publishing.models import Statement

from . import conf


class Reason(models.TextChoices):
    """Why a comment was held or marked as spam (several can apply)."""

    HONEYPOT = "honeypot", _("hidden field filled in (bot)")
    BLOCKLIST_SPAM = "blocklist-spam", _("blocklist: spam term")
    BLOCKLIST = "blocklist", _("blocklist: term held for review")
    LINKS = "links", _("too many links")
    FIRST = "first", _("first comment by this author")
    MODERATE_ALL = "moderate-all", _("all comments are moderated")


class CommentQuerySet(models.QuerySet):
    def approved(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.PENDING)

    def with_reason(self, reason: str) -> CommentQuerySet:
        return self.filter(reasons__contains=f",{reason},")


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting moderation")
        APPROVED = "approved", _("approved")
        SPAM = "spam", _("spam")
        REMOVED = "removed", _("removed")

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="comments", verbose_name=_("statement")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    language = models.CharField(
        _("language"), max_length=languages.MAX_CODE_LENGTH, choices=languages.choices
    )
    name = models.CharField(_("name"), max_length=conf.MAX_NAME_LENGTH)
    text = models.TextField(_("text"))
    # The address and its hash exist only while the author wants reply notifications (from the
    # request until the unsubscribe, or until an unconfirmed request expires); never public.
    email = models.EmailField(_("email (for reply notifications)"), blank=True)
    notify_replies = models.BooleanField(_("notify of replies"), default=False)
    # Set by the confirmation link (double opt-in): only confirmed addresses get reply mails.
    email_confirmed = models.BooleanField(_("address confirmed"), default=False, editable=False)
    email_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # The returning-author key's hash sits on one approved comment per browser at most (it moves
    # to the newest one), so it does not link one person's comments; see privacy.py.
    author_key_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    ip_hash = models.CharField(_("address hash"), max_length=64, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # ",first,links," — a plain string so every database can filter on it.
    reasons = models.CharField(_("reasons held"), max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reply_notified = models.BooleanField(default=False, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["statement", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name}: {self.text[:50]}"

    @property
    def anchor(self) -> str:
        return f"c{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.statement.get_absolute_url()}#{self.anchor}"

    def reason_list(self) -> list[str]:
        return [r for r in self.reasons.split(",") if r]

    def set_reasons(self, reasons: list[str]) -> None:
        unique = list(dict.fromkeys(reasons))
        self.reasons = f",{','.join(unique)}," if unique else ""

    def reason_labels(self) -> list[str]:
        labels = dict(Reason.choices)
        return [str(labels.get(r, r)) for r in self.reason_list()]


class ModeratorMailOptOut(models.Model):
    """A moderator who stopped the "comment awaiting moderation" mails (one-click unsubscribe)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("moderator without moderation mail")
        verbose_name_plural = _("moderators without moderation mail")

    def __str__(self) -> str:
        return str(self.user)


class BlockedTerm(models.Model):
    """A word or domain that holds a comment for review, or sends it straight to spam."""

    class Kind(models.TextChoices):
        WORD = "word", _("word or phrase")
        DOMAIN = "domain", _("domain (also matches its subdomains)")

    class Action(models.TextChoices):
        HOLD = "hold", _("hold for moderation")
        SPAM = "spam", _("mark as spam")

    term = models.CharField(_("term"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WORD)
    action = models.CharField(
        _("action"), max_length=10, choices=Action.choices, default=Action.HOLD
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("blocked term")
        verbose_name_plural = _("blocklist")
        constraints = [models.UniqueConstraint(fields=["term", "kind"], name="unique_blocked_term")]

    def __str__(self) -> str:
        return self.term


class CommentPolicy(models.Model):
    """Per-statement discussion switch (no row = comments open)."""

    statement = models.OneToOneField(
        Statement,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="comment_policy",
        verbose_name=_("statement"),
    )
    comments_open = models.BooleanField(_("comments open"), default=True)

    class Meta:
        verbose_name = _("comment settings")
        verbose_name_plural = _("comment settings per statement")

    def __str__(self) -> str:
        return str(self.statement)


def comments_open(statement: Statement, policy: CommentPolicy | None, now=None) -> bool:
    """Open unless switched off for this statement or older than the closing setting."""
    if policy is not None and not policy.comments_open:
        return False
    days = conf.close_after_days()
    if days and statement.published_at:
        return (now or timezone.now()) < statement.published_at + dt.timedelta(days=days)
    return True


class SpentNonce(models.Model):
    """Captcha nonces already used, remembered until their token would have expired."""

    nonce = models.CharField(max_length=32, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.nonce

    @classmethod
    def spend(cls, nonce: str, expires_ts: float) -> bool:
        """Record the nonce; False if it was already spent."""
        expires = dt.datetime.fromtimestamp(expires_ts, tz=dt.UTC)
        if random.random() < 0.02:  # now and then forget nonces whose tokens have expired
            cls.objects.filter(expires_at__lt=timezone.now()).delete()
        try:
            with transaction.atomic():
                cls.objects.create(nonce=nonce, expires_at=expires)
        except IntegrityError:
            return False
        return True
