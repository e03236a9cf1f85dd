"""What an import brought in (so a re-run can match and update it) and the old URLs it redirects."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One run of ``samizdat import wordpress`` that was written (dry runs leave no row)."""

    source = models.CharField(_("source"), max_length=20, default="wordpress")
    file_name = models.CharField(_("file"), max_length=500)
    file_sha256 = models.CharField(_("file checksum"), max_length=64)
    site_url = models.CharField(_("old site"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


class ImportedItem(models.Model):
    """One WordPress object and the samizdat object it became."""

    class Kind(models.TextChoices):
        POST = "post", _("post")
        PAGE = "page", _("page")
        ATTACHMENT = "attachment", _("attachment")
        CATEGORY = "category", _("category")
        TAG = "tag", _("tag")
        COMMENT = "comment", _("comment")

    site_url = models.CharField(_("old site"), max_length=500)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    wp_id = models.BigIntegerField(_("WordPress id"))
    guid = models.CharField(_("GUID"), max_length=500, blank=True)
    old_path = models.CharField(_("old path"), max_length=1000, blank=True)
    author_name = models.CharField(_("imported author"), max_length=200, blank=True)
    digest = models.CharField(max_length=64, editable=False)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.BigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("imported item")
        verbose_name_plural = _("imported items")
        constraints = [
            models.UniqueConstraint(
                fields=["site_url", "kind", "wp_id"], name="imported_once_per_site"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.wp_id}"


class Redirect(models.Model):
    """An old URL (path, or ``/?p=ID``-style path with query) answered with a 301."""

    old_path = models.CharField(_("old path"), max_length=1000, unique=True)
    new_url = models.CharField(
        _("new URL"),
        max_length=1000,
        help_text=_("Used when the target below is gone or has no address of its own."),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")

    def __str__(self) -> str:
        return f"{self.old_path} → {self.new_url}"

    def destination(self) -> str:
        """The target's current address (follows slug edits), else the stored URL."""
        target = self.target if self.content_type_id and self.object_id else None
        if target is not None and hasattr(target, "get_absolute_url"):
            try:
                return target.get_absolute_url()
            except Exception:  # a target whose URL cannot be built: use the stored one
                pass
        return self.new_url
