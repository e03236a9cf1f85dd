"""Signed old versions: every signature the site stores is kept with its text, immutable."""

from __future__ import annotations

from django.db.models import Max

from .models import SignedVersion

# Numbers above this are no version (and never reach the database as an out-of-range int).
MAX_VERSION = 1_000_000


def capture(signature) -> SignedVersion | None:
    """Keep ``signature`` (a just-saved ``StatementSignature``) as the next signed version,
    unless the latest one already has the same text."""
    from . import services

    versions = SignedVersion.objects.filter(statement_id=signature.statement_id)
    last = versions.order_by("-number").first()
    if last is not None and last.text_sha256 == signature.text_sha256:
        return None
    statement = signature.statement
    revision = services.latest(statement) or services.record(statement, force=True)
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return SignedVersion.objects.create(
        statement_id=signature.statement_id,
        number=number,
        revision=revision,
        text=signature.text,
        text_sha256=signature.text_sha256,
        minisig=signature.minisig,
        key_id=signature.key_id,
        signed_at=signature.signed_at,
    )


def mirror_params() -> dict[int, list[dict]]:
    """For the mirror: statement pk → the ``v/<n>/`` URL parameters of its signed versions."""
    found: dict[int, list[dict]] = {}
    for statement_id, number in SignedVersion.objects.values_list(
        "statement_id", "number"
    ).order_by("statement_id", "number"):
        found.setdefault(statement_id, []).append({"n": number})
    return found
