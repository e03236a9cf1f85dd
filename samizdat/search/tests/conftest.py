"""A small invented corpus in three languages, with drafts and a scheduled statement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from samizdat.publishing.models import Statement
from samizdat.publishing.tests.factories import make_section, make_statement
from samizdat.search.analysis import index_lexemes, parse_query
from samizdat.search.backends import get_backend

DRAFT = Statement.Status.DRAFT
SCHEDULED = Statement.Status.SCHEDULED

# key: (language, section, title, summary, body, status)
CORPUS = {
    "ru_ban": (
        "ru",
        "statements",
        "Суд против движения",
        "Мы обжалуем решение.",
        "Вчера власти **запретили партию** «Ашық Дала», которую мы строили шесть лет.\n\n"
        "Наши местные группы продолжают собираться.",
        None,
    ),
    "ru_prohibition": (
        "ru",
        "analysis",
        "Запрещение митингов продлено",
        "",
        "Городские власти продлили запрещение уличных собраний ещё на месяц.",
        None,
    ),
    "ru_elections": (
        "ru",
        "analysis",
        "Выборы в городской совет",
        "Наблюдатели на выборах.",
        "На выборах в городской совет наши наблюдатели записали нарушения при голосовании.",
        None,
    ),
    "ru_water": (
        "ru",
        "news",
        "Вода для посёлков",
        "",
        "Жители трёх посёлков третий месяц живут без водопровода. Засуха усиливается.",
        None,
    ),
    "ru_draft": (
        "ru",
        "statements",
        "Черновик о запрете",
        "",
        "Власти запретили партию — текст ещё не готов.",
        DRAFT,
    ),
    "ru_scheduled": (
        "ru",
        "statements",
        "Годовщина запрета",
        "",
        "Год назад власти запретили партию. Мы помним.",
        SCHEDULED,
    ),
    "en_ban": (
        "en",
        "statements",
        "The court banned the party",
        "We will appeal.",
        "Yesterday the authorities banned the Open Steppe party after one hearing.",
        None,
    ),
    "en_elections": (
        "en",
        "analysis",
        "Observers at the city elections",
        "",
        "Our observers recorded violations during the election to the city council.",
        None,
    ),
    "en_water": (
        "en",
        "news",
        "Water for the villages",
        "",
        "Three villages have lived without running water for months; the drought is worse.",
        None,
    ),
    "en_draft": (
        "en",
        "statements",
        "Draft on the ban",
        "",
        "The party was banned; this text is not ready.",
        DRAFT,
    ),
    "kk_ban": (
        "kk",
        "statements",
        "«Ашық Дала» партиясына тыйым салынды",
        "",
        "Кеше сот біздің партияға тыйым салды. Партияның жергілікті топтары жұмысын жалғастырады.",
        None,
    ),
    "kk_elections": (
        "kk",
        "analysis",
        "Қалалық кеңеске сайлау",
        "",
        "Сайлау кезінде біздің бақылаушылар бұзушылықтарды жазып алды.",
        None,
    ),
}

LANGUAGES = ("ru", "kk", "en")


@pytest.fixture
def corpus(db) -> dict[str, Statement]:
    sections = {
        "statements": make_section("statements", name_ru="Заявления", name_en="Statements"),
        "analysis": make_section("analysis"),
        "news": make_section("news", name_ru="Новости", name_en="News"),
    }
    made = {}
    for key, (language, section, title, summary, body, status) in CORPUS.items():
        extra = {}
        if status == SCHEDULED:
            extra["published_at"] = timezone.now() + timedelta(days=1)
        made[key] = make_statement(
            title=title,
            language=language,
            section=sections[section],
            status=status or Statement.Status.PUBLISHED,
            summary=summary,
            body=body,
            slug=key.replace("_", "-"),
            **extra,
        )
    return made


def found(text: str, languages=LANGUAGES, section=None) -> set[int]:
    """Ids of visible statements the active backend finds."""
    visible = Statement.objects.published().filter(language__in=languages)
    if section is not None:
        visible = visible.filter(section=section)
    results = get_backend().search(parse_query(text, languages), visible)
    return {hit.statement.pk for hit in results[0 : results.count()]}


def reference(text: str, languages=LANGUAGES) -> set[int]:
    """What should be found, by the rules in analysis.py, computed in Python without a database
    index: every term must match a lexeme of the statement's title, summary or text."""
    from samizdat.search.documents import build_document

    query = parse_query(text, languages)
    if not query:
        return set()
    ids = set()
    for statement in Statement.objects.published().filter(language__in=languages):
        doc = build_document(statement)
        lexemes = set(index_lexemes(f"{doc.title}\n{doc.summary}\n{doc.body}", doc.language))
        if all(any(alt.matches(lx) for alt in term for lx in lexemes) for term in query.terms):
            ids.add(statement.pk)
    return ids
