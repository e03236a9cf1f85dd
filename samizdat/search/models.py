"""The indexed text of each statement; visibility is decided at query time, not here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samizdat.publishing.models import Statement


class SearchConfigField(models.CharField):
    """A text search configuration name: ``regconfig`` on PostgreSQL, text elsewhere."""

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "regconfig"
        return super().db_type(connection)


class SearchDocument(models.Model):
    """Plain text of one published or scheduled statement as indexed, kept for snippets.

    On PostgreSQL the table also has a generated, GIN-indexed ``vector`` column (added by
    migrations 0002/0003, unknown to the ORM); on SQLite the lexemes live in the FTS5 table
    ``search_fts`` whose rowid is the statement id.
    """

    statement = models.OneToOneField(
        Statement, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    language = models.CharField(max_length=10)
    # The language's text-search configuration (samizdat.languages), which the generated
    # ``vector`` column reads on PostgreSQL (migration 0003).
    config = SearchConfigField(max_length=63, default="simple", editable=False)
    title = models.TextField()
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return self.title
