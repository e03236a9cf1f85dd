"""One small interface, two backends chosen by the database: SQLite FTS5 and PostgreSQL.

A backend keeps the index in step (``index``/``remove``/``clear``) and answers three questions
about a parsed query restricted to a queryset of visible statements: how many match, which
ones on a page (best first), and the snippet text for those. Everything else — analysis,
visibility, pagination, HTML — is shared, so the backends stay small and agree.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from samizdat.publishing.models import Statement

from ..analysis import ParsedQuery
from ..documents import build_document
from ..models import SearchDocument
from ..snippets import mark_all, render_snippet


@dataclass
class Hit:
    statement: Statement
    rank: float
    title: SafeString
    snippet: SafeString


class SearchBackend(ABC):
    vendor = ""

    def index(self, statements: Iterable[Statement]) -> int:
        """Create or replace the index entries of ``statements`` (any status)."""
        docs = [build_document(s) for s in statements]
        if docs:
            SearchDocument.objects.bulk_create(
                docs,
                update_conflicts=True,
                unique_fields=["statement"],
                update_fields=["language", "config", "title", "summary", "body"],
            )
            self._index_extra(docs)
        return len(docs)

    def _index_extra(self, docs: list[SearchDocument]) -> None:  # noqa: B027 - optional hook
        """Backend-specific storage beyond SearchDocument (SQLite: the FTS5 rows)."""

    def remove(self, statement_ids: Sequence[int]) -> None:
        SearchDocument.objects.filter(statement_id__in=statement_ids).delete()

    def clear(self) -> None:
        SearchDocument.objects.all().delete()

    def optimize(self) -> None:  # noqa: B027 - optional hook
        """Tidy the index after a full rebuild."""

    @abstractmethod
    def count(self, query: ParsedQuery, visible: QuerySet) -> int: ...

    @abstractmethod
    def match(
        self, query: ParsedQuery, visible: QuerySet, offset: int, limit: int
    ) -> tuple[int | None, list[tuple[int, float]]]:
        """The number of matches (None when the page is empty) and (statement id, rank) of
        one page of them, best first: one query, so the usual first page costs one search."""

    @abstractmethod
    def documents(self, query: ParsedQuery, ids: Sequence[int]) -> dict[int, tuple[Statement, str]]:
        """Per statement id: the statement (with section and lead image) and its marked
        snippet text (see ``snippets.render_snippet``)."""

    def search(self, query: ParsedQuery, visible: QuerySet, page_size: int = 10) -> SearchResults:
        return SearchResults(self, query, visible, page_size)


class SearchResults:
    """Lazy results a Paginator can page through: ``count()`` and slicing into ``Hit``s.

    ``count()`` fetches the first page along with the total, so page one needs one search.
    """

    def __init__(
        self, backend: SearchBackend, query: ParsedQuery, visible: QuerySet, page_size: int = 10
    ) -> None:
        self.backend, self.query, self.page_size = backend, query, page_size
        self.visible = visible.order_by()
        self._count: int | None = None if query else 0
        self._pages: dict[tuple[int, int], list[tuple[int, float]]] = {}

    def _ranked(self, offset: int, limit: int) -> list[tuple[int, float]]:
        if (offset, limit) not in self._pages:
            total, ranked = self.backend.match(self.query, self.visible, offset, limit)
            if total is not None:
                self._count = total
            self._pages[(offset, limit)] = ranked
        return self._pages[(offset, limit)]

    def count(self) -> int:
        if self._count is None:
            self._ranked(0, self.page_size)
        if self._count is None:
            self._count = self.backend.count(self.query, self.visible)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[Hit]:
        if not isinstance(item, slice) or item.step not in (None, 1):
            raise TypeError("SearchResults supports plain slices only")
        offset = max(item.start or 0, 0)
        limit = (item.stop if item.stop is not None else self.count()) - offset
        if limit <= 0 or not self.query:
            return []
        ranked = self._ranked(offset, limit)
        documents = self.backend.documents(self.query, [pk for pk, _ in ranked])
        hits = []
        for pk, rank in ranked:
            if pk not in documents:
                continue
            statement, snippet = documents[pk]
            title = mark_all(statement.title, self.query, statement.language)
            hits.append(Hit(statement, rank, render_snippet(title), render_snippet(snippet)))
        return hits


_backends: dict[str, SearchBackend] = {}


def get_backend() -> SearchBackend:
    """The backend for the default database: FTS5 on SQLite, tsvector on PostgreSQL."""
    vendor = connection.vendor
    if vendor not in _backends:
        if vendor == "sqlite":
            from .sqlite import SQLiteBackend as backend_class
        elif vendor == "postgresql":
            from .postgres import PostgresBackend as backend_class
        else:
            raise ImproperlyConfigured(
                f"samizdat search supports SQLite and PostgreSQL, not {vendor}"
            )
        _backends[vendor] = backend_class()
    return _backends[vendor]
