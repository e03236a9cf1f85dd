"""A statement's current signature, stored with the exact text it signs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samizdat.publishing.models import Statement


class StatementSignature(models.Model):
    """The signed canonical text and its detached minisign signature.

    ``statement.txt`` is served from ``text`` so the text and ``.minisig`` always belong
    together, even if the statement is edited while no key is at hand (then the signature
    is removed instead of going stale).
    """

    statement = models.OneToOneField(
        Statement,
        on_delete=models.CASCADE,
        related_name="signature",
        verbose_name=_("statement"),
    )
    text = models.TextField(_("signed text"))
    text_sha256 = models.CharField(_("SHA-256 of the signed text"), max_length=64)
    minisig = models.TextField(_("minisign signature file"))
    key_id = models.CharField(_("key id"), max_length=16, db_index=True)
    url = models.CharField(_("statement URL"), max_length=1000)
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("statement signature")
        verbose_name_plural = _("statement signatures")

    def __str__(self) -> str:
        return f"{self.statement_id} / {self.key_id}"
