"""The publishing signals become activities: published → Create, revised → Update,
unpublished → Delete (a Tombstone)."""

from __future__ import annotations

import logging

from samizdat.publishing import signals
from samizdat.publishing.models import Statement

from . import activities, delivery, keys

log = logging.getLogger(__name__)


def _send(statement: Statement, build) -> None:
    """Queue the activity; never raise into publishing (the change is already committed)."""
    try:
        actor = keys.actor_for(statement.language)
        if actor is not None:
            delivery.publish_activity(actor, build(statement))
    except Exception:
        log.exception("federation: %s of statement %s not queued", build.__name__, statement.pk)


def on_published(sender, statement: Statement, **kwargs) -> None:
    _send(statement, activities.create)


def on_revised(sender, statement: Statement, **kwargs) -> None:
    if statement.is_public:  # a scheduled statement's edits reach nobody before its time
        _send(statement, activities.update)


def on_unpublished(sender, statement: Statement, was_public: bool = False, **kwargs) -> None:
    if was_public:
        _send(statement, activities.delete)


def connect() -> None:
    signals.statement_published.connect(on_published, dispatch_uid="federation-published")
    signals.statement_revised.connect(on_revised, dispatch_uid="federation-revised")
    signals.statement_unpublished.connect(on_unpublished, dispatch_uid="federation-unpublished")
