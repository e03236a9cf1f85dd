"""Small factories for test data (plain functions, no extra library).

Statements are made through ``publishing.lifecycle`` like the admin makes them, and the
signals it sends after the commit are delivered at once (the test's transaction never
commits), so search indexing and the other listeners see them as they would in production.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from samizdat.publishing import lifecycle
from samizdat.publishing.models import Section, Statement, Tag

_seq = itertools.count(1)


def make_section(slug: str = "analysis", names: dict | None = None, **kwargs) -> Section:
    """``make_section("news", name_ru="Новости")``: ``name_<code>`` keywords go into names."""
    given = {k.removeprefix("name_"): kwargs.pop(k) for k in list(kwargs) if k.startswith("name_")}
    defaults = {"names": names or given or {"ru": "Анализ", "kk": "Талдау", "en": "Analysis"}}
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
    statement = Statement(
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
    with TestCase.captureOnCommitCallbacks(execute=True):
        lifecycle.apply_status(statement)
        for name in tags:
            tag, _ = Tag.objects.get_or_create(slug=name, defaults={"name": name})
            statement.tags.add(tag)
    return statement


def link(statement: Statement, *others: Statement) -> None:
    """Make ``others`` language versions of ``statement`` (signals delivered at once)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        for other in others:
            lifecycle.link_translation(statement, other)
    for s in (statement, *others):
        s.refresh_from_db(fields=["translation_group"])
