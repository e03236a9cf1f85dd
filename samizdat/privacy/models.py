"""The one secret that can turn an address hash back into an address: today's key."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AddressKey(models.Model):
    """A random key for the address hashes of one UTC day, deleted when the day is over.

    Not derived from SECRET_KEY or anything else on the disk: once the row is gone, the hashes
    made with it cannot be recomputed from a copy of the data directory.
    """

    day = models.DateField(_("day"), unique=True)
    key = models.CharField(max_length=64)  # 32 random bytes, hex

    class Meta:
        verbose_name = _("address key")
        verbose_name_plural = _("address keys")

    def __str__(self) -> str:
        return self.day.isoformat()
