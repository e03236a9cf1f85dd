"""Machine-translated drafts through a pluggable backend (off by default).

A backend is a class with ``translate(texts, source, target) -> list[str]``; the one shipped
calls a self-hosted LibreTranslate-compatible server (``POST {url}/translate`` with JSON
``{"q": [...], "source", "target", "format": "text", "api_key"}``, answer
``{"translatedText": [...]}``). A draft it makes is a draft: labelled machine-made, linked as
a translation, never published except by an editor (``receivers.statement_saved`` refuses a
release without an actor).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samizdat import languages
from samizdat.publishing import lifecycle
from samizdat.publishing.models import Statement

from . import services
from .models import TranslationState

MAX_ANSWER = 4 * 1024 * 1024


class MachineTranslationError(Exception):
    """The backend failed; ``str()`` is fit for the editor."""


class LibreTranslate:
    def __init__(self, url: str, api_key: str = "", timeout: int = 60):
        self.url, self.api_key, self.timeout = url.rstrip("/"), api_key, timeout

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        payload = {"q": texts, "source": source, "target": target, "format": "text"}
        if self.api_key:
            payload["api_key"] = self.api_key
        request = urllib.request.Request(
            self.url + "/translate",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(MAX_ANSWER + 1)
        except urllib.error.HTTPError as exc:
            detail = ""
            try:
                detail = json.loads(exc.read(10000)).get("error", "")
            except (ValueError, AttributeError):
                pass
            raise MachineTranslationError(
                _("The translation server answered %(status)s %(detail)s")
                % {"status": exc.code, "detail": detail}
            ) from None
        except (OSError, ValueError) as exc:
            raise MachineTranslationError(
                _("The translation server cannot be reached: %(error)s") % {"error": exc}
            ) from None
        try:
            answer = json.loads(body) if len(body) <= MAX_ANSWER else None
            translated = answer["translatedText"]
        except (ValueError, KeyError, TypeError):
            raise MachineTranslationError(
                _("The translation server's answer is not valid.")
            ) from None
        if isinstance(translated, str):
            translated = [translated]
        if not (
            isinstance(translated, list)
            and len(translated) == len(texts)
            and all(isinstance(t, str) for t in translated)
        ):
            raise MachineTranslationError(_("The translation server's answer is not valid."))
        return translated


def backend():
    """The configured backend, or None (machine translation is off)."""
    if settings.MT_BACKEND == "libretranslate":
        return LibreTranslate(settings.MT_URL, settings.MT_API_KEY, settings.MT_TIMEOUT)
    return None


def _free_slug(base: str, language: str) -> str:
    base = (slugify(base, allow_unicode=True) or "statement")[:180]
    slug, n = base, 1
    while Statement.objects.filter(language=language, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def make_draft(original: Statement, language: str, actor=None, engine=None) -> Statement:
    """A machine-translated draft of ``original`` in ``language``, linked as its translation."""
    engine = engine or backend()
    if engine is None:
        raise MachineTranslationError(_("Machine translation is not configured."))
    original = Statement.objects.select_related("section").get(pk=original.pk)
    if language == original.language or language not in languages.codes():
        raise MachineTranslationError(_("Choose another enabled language."))
    if original.translation_group_id and (
        Statement.objects.filter(
            translation_group_id=original.translation_group_id, language=language
        ).exists()
    ):
        raise MachineTranslationError(_("There is a version in this language already."))
    fields = ["title", "issuer", "summary", "body"]
    texts = [getattr(original, name) or "" for name in fields]
    translated = engine.translate(texts, original.language, language)
    values = dict(zip(fields, translated, strict=True))
    with transaction.atomic():
        draft = Statement(
            language=language,
            section=original.section,
            slug=_free_slug(original.slug, language),
            status=Statement.Status.DRAFT,
            lead_image=original.lead_image,
            **values,
        )
        with services.revision_context(_("Machine translation")):
            lifecycle.unpublish(draft, actor=actor)
        lifecycle.link_translation(original, draft, actor=actor)
        TranslationState.objects.update_or_create(
            statement=draft,
            defaults={
                "machine_made": True,
                "reviewed": False,
                "source_revision": services.latest(original),
            },
        )
    draft.refresh_from_db()
    return draft
