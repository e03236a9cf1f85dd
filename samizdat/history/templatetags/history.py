"""Tags for the statement page: its public versions and its translation notice."""

from __future__ import annotations

from django import template

from .. import freshness
from ..models import Revision, SignedVersion

register = template.Library()
SHOWN = 50  # the newest public revisions listed on the page


@register.simple_tag
def statement_history(statement) -> dict:
    """Two queries whatever the number of revisions: the public revisions and the signed
    versions, put together here."""
    revisions = list(
        Revision.objects.filter(statement_id=statement.pk, public=True)
        .order_by("-number")
        .only("number", "created_at", "note", "is_correction")[:SHOWN]
    )
    signed: dict[int | None, list[SignedVersion]] = {}
    for version in (
        SignedVersion.objects.filter(statement_id=statement.pk)
        .order_by("-number")
        .only("number", "revision_id", "signed_at")[:SHOWN]
    ):
        signed.setdefault(version.revision_id, []).append(version)
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
