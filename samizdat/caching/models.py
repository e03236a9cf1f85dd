"""Content versions: the cheap validators behind every public page's ETag and Last-Modified."""

from __future__ import annotations

from django.db import models

SITE = "site"


def comments_scope(statement_id: int) -> str:
    return f"comments:{statement_id}"


class ContentVersion(models.Model):
    """A counter per scope, bumped in the same transaction as the change it stands for.

    ``site`` covers everything a public page can show except comments (statements, sections,
    tags, Pages, images, signatures); ``comments:<id>`` covers one statement's discussion.
    ``changed`` (Unix seconds) grows by at least one second per bump, so a Last-Modified sent
    before a change is always older than the one after it, even within the same second.
    ``next_change`` (site only) is when time alone changes what pages show: the next
    scheduled publication or comment closing.
    """

    scope = models.CharField(max_length=40, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)
    changed = models.BigIntegerField(default=0)
    next_change = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "content version"

    def __str__(self) -> str:
        return f"{self.scope} v{self.version}"
