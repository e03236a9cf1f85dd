"""Tags for the statement page: its public versions and its translation notice."""

from __future__ import annotations

from django import template
from django.db.models import Prefetch

from samizdat.publishing.panels import prefetched

from .. import freshness
from ..models import Revision, SignedVersion

register = template.Library()
SHOWN = 50  # the newest public revisions listed on the page


REVISIONS, SIGNED = "_public_revisions", "_signed_versions"


def prefetches() -> list[Prefetch]:
    """What the mirror's export loads for a batch of statements (panels.register_prefetch):
    one query each for the whole batch. Not sliced (a sliced prefetch is a window query that
    costs more than it saves): the tag keeps the newest ``SHOWN``."""
    return [
        Prefetch(
            "revisions",
            Revision.objects.filter(public=True)
            .order_by("-number")
            .only("statement_id", "number", "created_at", "note", "is_correction"),
            to_attr=REVISIONS,
        ),
        Prefetch(
            "signed_versions",
            SignedVersion.objects.order_by("-number").only(
                "statement_id", "number", "revision_id", "signed_at"
            ),
            to_attr=SIGNED,
        ),
    ]


@register.simple_tag
def statement_history(statement) -> dict:
    """The public revisions and the signed versions, put together here (two queries, or none
    when the mirror's batch loaded them)."""
    revisions = prefetched(statement, REVISIONS)
    if revisions is not None:
        revisions = revisions[:SHOWN]
    else:
        revisions = list(
            Revision.objects.filter(statement_id=statement.pk, public=True)
            .order_by("-number")
            .only("number", "created_at", "note", "is_correction")[:SHOWN]
        )
    versions = prefetched(statement, SIGNED)
    if versions is not None:
        versions = versions[:SHOWN]
    else:
        versions = (
            SignedVersion.objects.filter(statement_id=statement.pk)
            .order_by("-number")
            .only("number", "revision_id", "signed_at")[:SHOWN]
        )
    signed: dict[int | None, list[SignedVersion]] = {}
    for version in versions:
        signed.setdefault(version.revision_id, []).append(version)
    revisions = list(revisions)
    for revision in revisions:
        revision.signed = signed.pop(revision.pk, [])
    loose = [v for versions in signed.values() for v in versions]  # revision not shown
    updated = revisions[0].created_at if len(revisions) > 1 else None
    return {
        "revisions": revisions if len(revisions) > 1 or loose else [],
        "loose": loose,
        "updated": updated,
        "corrections": [r for r in revisions if r.is_correction],
    }


@register.simple_tag
def translation_notice(statement) -> dict:
    return freshness.notice(statement)
