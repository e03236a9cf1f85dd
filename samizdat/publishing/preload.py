"""A batch of statements loaded for the pages about to be rendered.

The statement page needs a handful of queries (the statement with its one-to-one rows, its
tags, its translations, the rows its parts list); rendering thousands of them for the
mirror, the compiling of those queries costs more than the rest of the view. The export
loads the statements of its next few pages in one go (:func:`batch`, with the parts' rows:
``panels.register_prefetch``), and the views take them from here (:func:`take`) — the same
rows, so the pages are the same bytes.

Only the export sets a batch, in the thread (context) that renders its pages; it is cleared
when the block ends, so a live request never sees one. Visibility is that of the moment the
batch is loaded (a statement unpublished meanwhile is still in it, for at most 32 pages).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from samizdat import languages

from . import panels
from .models import Statement

# Per thread/context: a thread that renders nothing for the export never sees a batch.
_loaded: ContextVar[dict[tuple[str, str, str], Statement] | None] = ContextVar(
    "samizdat_preload", default=None
)


def page_queryset():
    """The published statements with everything their page shows (one query each part)."""
    return (
        Statement.objects.published()
        .select_related("section", "lead_image", *panels.relations())
        .prefetch_related("tags")
    )


def attach_translations(statements: list[Statement]) -> None:
    """Every statement's published translations, in one query for them all (always one, so
    the count does not depend on the data: group 0 never exists).

    The query asks for the groups alone and the visibility rule is applied to the rows
    (``Statement.is_public``, the instance form of ``published()``): with the rule in SQL,
    SQLite without statistics walked the status index over every published statement (11 ms
    at 10,000) instead of the group index (1.7 ms).
    """
    groups = sorted({s.translation_group_id for s in statements if s.translation_group_id})
    by_group: dict[int, list[Statement]] = defaultdict(list)
    for other in Statement.objects.filter(translation_group_id__in=groups or [0]).select_related(
        "section"
    ):
        if other.is_public:
            by_group[other.translation_group_id].append(other)
    for statement in statements:
        group = statement.translation_group_id
        others = by_group.get(group, []) if group else []
        statement._prefetched_translations = languages.sort_by_language(
            o for o in others if o.pk != statement.pk
        )


@contextmanager
def batch(pks: Iterable[int]) -> Iterator[None]:
    """Within the block, :func:`take` answers for these statements without a query."""
    wanted = sorted(set(pks))
    queryset = page_queryset().prefetch_related(*panels.prefetches()).filter(pk__in=wanted)
    statements = list(queryset) if wanted else []
    if statements:
        attach_translations(statements)
    token = _loaded.set({(s.language, s.section.slug, s.slug): s for s in statements})
    try:
        yield
    finally:
        _loaded.reset(token)


def take(language: str, section: str, slug: str) -> Statement | None:
    """The batch's published statement at this address, or None (not in a batch: query)."""
    loaded = _loaded.get()
    return None if loaded is None else loaded.get((language, section, slug))
