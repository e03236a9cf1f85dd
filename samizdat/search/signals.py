"""Keep the index in step with statements, by the publishing lifecycle's signals.

A statement is indexed when it is published, scheduled or revised (after the commit); whether
one is visible is decided at query time by ``Statement.objects.published()``, so a scheduled
statement appears at its time without re-indexing, and a withdrawn one disappears at once.
Deleting removes the entry (``post_delete``: deletion is no lifecycle step). Drafts are not
indexed; ``samizdat reindex`` rebuilds everything.
"""

from __future__ import annotations

from django.db.models.signals import post_delete

from samizdat.publishing import signals as publishing
from samizdat.publishing.models import Statement


def statement_changed(sender, statement: Statement, **kwargs) -> None:
    from .backends import get_backend

    get_backend().index([statement])


def statement_deleted(sender, instance: Statement, **kwargs) -> None:
    from .backends import get_backend

    get_backend().remove([instance.pk])


def connect() -> None:
    for signal in (
        publishing.statement_published,
        publishing.statement_scheduled,
        publishing.statement_revised,
    ):
        signal.connect(statement_changed, sender=Statement, dispatch_uid="search-index-statement")
    post_delete.connect(statement_deleted, sender=Statement, dispatch_uid="search-remove-statement")
