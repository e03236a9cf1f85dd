"""Demo: one original gets a correction after it was translated, so its kk version is
outdated (the translation status table and the kk page show it); its en version is labelled
as a machine translation reviewed by a person."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from samizdat import languages
from samizdat.publishing import lifecycle
from samizdat.publishing.models import Statement

from . import freshness, services
from .models import TranslationState

ADDED = "\n\nУточнение: цифры в третьем абзаце исправлены по данным городского акимата."
NOTE = "Исправлены цифры в третьем абзаце"


def _pick() -> Statement | None:
    for statement in (
        Statement.objects.published()
        .filter(language="ru", translation_group__isnull=False)
        .order_by("published_at", "pk")
    ):
        codes = set(
            Statement.objects.filter(
                translation_group_id=statement.translation_group_id
            ).values_list("language", flat=True)
        )
        if "kk" in codes:
            return statement
    return None


def _resign() -> None:
    if not apps.is_installed("samizdat.authenticity"):
        return
    from samizdat.authenticity import keys, signing

    secret = keys.signing_key()
    if secret is not None:
        signing.sign_all(secret, signing.signable_statements())


def outdate_one() -> str:
    if not {"ru", "kk"} <= set(languages.codes()):
        return "History demo skipped: ru and kk are not both enabled."
    with transaction.atomic():
        original = _pick()
        if original is None:
            return "History demo skipped: no ru statement with a kk version."
        members = Statement.objects.filter(translation_group_id=original.translation_group_id)
        kk = members.get(language="kk")
        if ADDED.strip() not in original.body:
            freshness.set_original(original)
            # The translations were made from the text as it is now …
            for other in members.exclude(pk=original.pk):
                freshness.mark_checked(other)
            en = members.filter(language="en").first()
            if en is not None:
                TranslationState.objects.filter(statement=en).update(
                    machine_made=True, reviewed=True
                )
            # … then the original was corrected.
            with services.revision_context(NOTE, is_correction=True):
                lifecycle.revise(original, body=original.body + ADDED)
    _resign()
    return (
        f"History demo: “{original.title}” was corrected after translation; its kk version "
        f"“{kk.title}” is outdated (admin: Statements › Translation status)."
    )
