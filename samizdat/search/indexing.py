"""Rebuilding the index: all at once (``samizdat reindex``) or only what is missing."""

from __future__ import annotations

from typing import TextIO

from django.db import transaction
from django.db.models import Exists, OuterRef
from tqdm import tqdm

from samizdat.publishing.models import Statement

from .backends import get_backend
from .models import SearchDocument

BATCH = 500


def _index_in_batches(queryset, progress: bool, file: TextIO | None) -> int:
    backend = get_backend()
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    with tqdm(
        total=len(ids), unit=" statements", disable=not progress, file=file, leave=True
    ) as bar:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            backend.index(Statement.objects.filter(pk__in=chunk).order_by())
            bar.update(len(chunk))
    return len(ids)


def rebuild_index(progress: bool = False, file: TextIO | None = None) -> int:
    """Drop every index entry and index every published or scheduled statement again."""
    backend = get_backend()
    with transaction.atomic():
        backend.clear()
        count = _index_in_batches(Statement.objects.released(), progress, file)
    backend.optimize()
    return count


def index_missing(progress: bool = False, file: TextIO | None = None) -> int:
    """Index released statements with no entry yet (e.g. made before search was installed)."""
    missing = Statement.objects.released().filter(
        ~Exists(SearchDocument.objects.filter(statement_id=OuterRef("pk")))
    )
    with transaction.atomic():
        return _index_in_batches(missing, progress, file)
