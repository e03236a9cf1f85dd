"""Revisions of statements and pages, signed old versions, translation freshness."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samizdat.publishing.models import Page, Statement


class Revision(models.Model):
    """One saved state of a statement (or a Page): a snapshot of its fields in ``data``.

    Numbered 1, 2, … per statement (or page); written by ``services.record`` inside the
    lifecycle's transaction, never edited afterwards.
    """

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    note = models.CharField(_("change note"), max_length=300, blank=True)
    is_correction = models.BooleanField(_("public correction"), default=False)
    # The statement was public after this save: the public list of versions shows only these.
    public = models.BooleanField(default=False)
    # Title, issuer, summary or body differ from the previous revision: translations of the
    # original fall behind only by these (a status change or a new tag does not).
    text_changed = models.BooleanField(default=False)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "number"],
                condition=models.Q(statement__isnull=False),
                name="history_revision_number_per_statement",
            ),
            models.UniqueConstraint(
                fields=["page", "number"],
                condition=models.Q(page__isnull=False),
                name="history_revision_number_per_page",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class SignedVersion(models.Model):
    """A signed canonical text as it was signed, kept forever (``v/<number>/statement.txt``)."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="signed_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    revision = models.ForeignKey(
        Revision, on_delete=models.SET_NULL, null=True, blank=True, related_name="signed_versions"
    )
    text = models.TextField(_("signed text"))
    text_sha256 = models.CharField(max_length=64)
    minisig = models.TextField(_("minisign signature file"))
    key_id = models.CharField(_("key id"), max_length=16)
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("signed version")
        verbose_name_plural = _("signed versions")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "number"], name="history_signed_number_per_statement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} v{self.number}"


class TranslationState(models.Model):
    """Freshness and provenance of one language version of a statement."""

    statement = models.OneToOneField(
        Statement, on_delete=models.CASCADE, related_name="translation_state"
    )
    # The version the others are translated from (one per group; default: the first made).
    is_original = models.BooleanField(_("original"), default=False)
    # The original's revision this translation was made or last checked from.
    source_revision = models.ForeignKey(
        Revision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("translated from revision"),
    )
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    machine_made = models.BooleanField(_("machine translation"), default=False)
    reviewed = models.BooleanField(_("reviewed by a person"), default=False)

    class Meta:
        verbose_name = _("translation state")
        verbose_name_plural = _("translation states")

    def __str__(self) -> str:
        return f"{self.statement_id}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .freshness import classify, group_of

        if self.source_revision_id is None or self.statement_id is None:
            return
        original = classify(group_of(self.statement))
        if original is None or self.source_revision.statement_id != original.pk:
            raise ValidationError(
                {
                    "source_revision": _(
                        "This revision belongs to another statement, not to the original of "
                        "this translation."
                    )
                }
            )
