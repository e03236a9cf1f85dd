"""Keep the index in step with statements: every save re-indexes, every delete removes.

Statements of every status are indexed; whether one is visible is decided at query time by
``Statement.objects.published()``, so a scheduled statement appears at its time without any
re-indexing. Bulk ``QuerySet.update()`` bypasses signals: run ``samizdat reindex`` after one
that changes titles or text.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from samizdat.publishing.models import Statement


def statement_saved(sender, instance: Statement, **kwargs) -> None:
    from .backends import get_backend

    get_backend().index([instance])


def statement_deleted(sender, instance: Statement, **kwargs) -> None:
    from .backends import get_backend

    get_backend().remove([instance.pk])


def connect() -> None:
    post_save.connect(statement_saved, sender=Statement, dispatch_uid="search-index-statement")
    post_delete.connect(statement_deleted, sender=Statement, dispatch_uid="search-remove-statement")
