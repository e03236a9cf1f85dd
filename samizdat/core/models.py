from django.db import models


class RateCounter(models.Model):
    """One fixed-window rate-limit counter (samizdat.core.ratelimit, the database store)."""

    key = models.CharField(max_length=255, primary_key=True)
    n = models.PositiveIntegerField(default=0)
    expires = models.FloatField(db_index=True, help_text="Unix time after which it is spent")

    class Meta:
        verbose_name = "rate-limit counter"

    def __str__(self) -> str:
        return f"{self.key} = {self.n}"
