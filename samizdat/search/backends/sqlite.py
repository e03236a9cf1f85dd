"""SQLite FTS5: the table ``search_fts`` holds each statement's lexemes (stems), rowid = id.

Lexemes come from ``analysis.index_lexemes`` (PyStemmer Snowball), so FTS5 only has to match
whole tokens and prefixes; the original text for snippets stays in SearchDocument. Reader
input reaches FTS5 only as double-quoted lexemes built by ``fts_query``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet

from samizdat.publishing.models import Statement

from ..analysis import ParsedQuery, index_lexemes
from ..models import SearchDocument
from ..snippets import make_snippet
from . import SearchBackend

FTS_TABLE = "search_fts"
# bm25 column weights: title, summary, body.
BM25 = f"bm25({FTS_TABLE}, 10.0, 4.0, 1.0)"


def fts_query(query: ParsedQuery) -> str:
    """FTS5 query text: terms ANDed, each an OR of quoted lexemes (``"запре"*`` for prefixes)."""
    terms = []
    for term in query.terms:
        alts = ['"{}"{}'.format(a.text.replace('"', '""'), "*" if a.prefix else "") for a in term]
        terms.append("(" + " OR ".join(alts) + ")")
    return " AND ".join(terms)


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"

    def _index_extra(self, docs: list[SearchDocument]) -> None:
        rows = [
            (
                doc.statement_id,
                " ".join(index_lexemes(doc.title, doc.language)),
                " ".join(index_lexemes(doc.summary, doc.language)),
                " ".join(index_lexemes(doc.body, doc.language)),
            )
            for doc in docs
        ]
        with connection.cursor() as cursor:
            self._delete_rows(cursor, [row[0] for row in rows])
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",
                rows,
            )

    @staticmethod
    def _delete_rows(cursor, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)

    def remove(self, statement_ids: Sequence[int]) -> None:
        super().remove(statement_ids)
        with connection.cursor() as cursor:
            self._delete_rows(cursor, list(statement_ids))

    def clear(self) -> None:
        super().clear()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")

    def optimize(self) -> None:
        """Merge FTS5 index segments into one (faster queries after a bulk rebuild)."""
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")

    def _where(self, query: ParsedQuery, visible: QuerySet) -> tuple[str, list]:
        sql, params = visible.values("pk").query.sql_with_params()
        # "+rowid": without the plus SQLite hands the IN list to FTS5 as a rowid constraint and
        # FTS5 re-runs the full-text query once per visible statement (~100x slower).
        return f"{FTS_TABLE} MATCH %s AND +rowid IN ({sql})", [fts_query(query), *params]

    def count(self, query: ParsedQuery, visible: QuerySet) -> int:
        where, params = self._where(query, visible)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {where}", params)
            return cursor.fetchone()[0]

    def match(
        self, query: ParsedQuery, visible: QuerySet, offset: int, limit: int
    ) -> tuple[int | None, list[tuple[int, float]]]:
        where, params = self._where(query, visible)
        # The CTE is evaluated once for both the total and the page (bm25 cannot be used in
        # a window function, so no count(*) OVER ()).
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH m AS (SELECT rowid AS id, {BM25} AS score FROM {FTS_TABLE} WHERE {where}) "
                "SELECT id, score, (SELECT count(*) FROM m) FROM m "
                "ORDER BY score, id DESC LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            rows = cursor.fetchall()
        total = rows[0][2] if rows else None
        return total, [(pk, -score) for pk, score, _ in rows]

    def documents(self, query: ParsedQuery, ids: Sequence[int]) -> dict[int, tuple[Statement, str]]:
        docs = SearchDocument.objects.filter(statement_id__in=ids).select_related(
            "statement__section", "statement__lead_image"
        )
        return {
            doc.statement_id: (
                doc.statement,
                make_snippet(f"{doc.summary}\n{doc.body}", query, doc.language),
            )
            for doc in docs
        }
