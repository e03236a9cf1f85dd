"""Small factories for test data (plain functions, no extra library)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from samizdat.publishing.models import Section, Statement, Tag

_seq = itertools.count(1)


def make_section(slug: str = "analysis", **kwargs) -> Section:
    defaults = {"name_ru": "Анализ", "name_kk": "Талдау", "name_en": "Analysis"}
    defaults.update(kwargs)
    section, _ = Section.objects.get_or_create(slug=slug, defaults=defaults)
    return section


def make_statement(
    title: str | None = None,
    language: str = "ru",
    section: Section | None = None,
    status: str = Statement.Status.PUBLISHED,
    published_at=None,
    tags: list[str] = (),
    **kwargs,
) -> Statement:
    n = next(_seq)
    statement = Statement.objects.create(
        title=title or f"Заявление {n}",
        slug=kwargs.pop("slug", f"statement-{n}"),
        language=language,
        section=section or make_section(),
        status=status,
        published_at=published_at or timezone.now() - timedelta(hours=n),
        issuer=kwargs.pop("issuer", "Политический совет движения «Ашық Дала»"),
        body=kwargs.pop("body", "Текст заявления.\n\nВторой абзац."),
        **kwargs,
    )
    for name in tags:
        tag, _ = Tag.objects.get_or_create(slug=name, defaults={"name": name})
        statement.tags.add(tag)
    return statement
