"""A batch of statements loaded at once (the mirror's export) gives the same pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samizdat.publishing import lifecycle, preload
from samizdat.publishing.models import Statement
from samizdat.publishing.views import get_public_statement

from .factories import link, make_section, make_statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def statements():
    section = make_section()
    ru = make_statement("Заявление о воде", section=section, tags=["вода", "суд"])
    kk = make_statement("Су туралы мәлімдеме", language="kk", section=section)
    en = make_statement("On water", language="en", section=section)
    link(ru, kk, en)
    lifecycle.revise(ru, title="Заявление о воде (исправлено)")
    lifecycle.revise(Statement.objects.get(pk=ru.pk), body="Новый текст.")
    lone = make_statement("Одно заявление", section=section)
    from samizdat.discussion.models import Comment

    for status in (Comment.Status.APPROVED, Comment.Status.PENDING):
        Comment.objects.create(
            statement=ru,
            language="ru",
            name="Читатель",
            text=f"Комментарий {status}.",
            status=status,
        )
    pks = [s.pk for s in (ru, kk, en, lone)]
    return sorted(
        Statement.objects.select_related("section").filter(pk__in=pks),
        key=lambda s: pks.index(s.pk),
    )


def test_in_a_batch_the_statement_and_its_parts_cost_no_query(statements):
    with preload.batch([s.pk for s in statements]):
        with CaptureQueriesContext(connection) as queries:
            for s in statements:
                got = get_public_statement(s.section.slug, s.slug, s.language)
                assert got.pk == s.pk
                got.translations()
                list(got.tags.all())
        assert len(queries) == 0
    # Outside the batch the view queries again: nothing stays behind.
    assert preload.take("ru", statements[0].section.slug, statements[0].slug) is None


def test_a_batch_loads_what_the_single_page_loads(statements):
    def seen(s: Statement) -> tuple:
        return (
            s.title,
            [t.slug for t in s.tags.all()],
            [(t.language, t.slug) for t in s.translations()],
        )

    alone = [seen(get_public_statement(s.section.slug, s.slug, s.language)) for s in statements]
    with preload.batch([s.pk for s in statements]):
        batched = [seen(preload.take(s.language, s.section.slug, s.slug)) for s in statements]
    assert batched == alone
    assert alone[0][2] == [("kk", statements[1].slug), ("en", statements[2].slug)]
    assert alone[3][2] == []


def test_a_statement_page_is_the_same_bytes_in_a_batch(statements):
    # As the export asks (the live page's comment form carries a one-time token).
    client = Client(**{"samizdat.export": True})
    urls = [s.get_absolute_url() for s in statements]
    with CaptureQueriesContext(connection) as single:
        alone = [client.get(url).content for url in urls]
    with preload.batch([s.pk for s in statements]):
        with CaptureQueriesContext(connection) as queries:
            batched = [client.get(url).content for url in urls]
    assert batched == alone
    assert b'id="versions-h"' in alone[0]  # the corrected statement lists its versions
    assert "Комментарий approved".encode() in alone[0]
    assert "Комментарий pending".encode() not in alone[0]
    # Per page, the statement, its tags, its translations, its two history lists and its
    # comments are gone (the content version and the translation notice's group remain).
    assert len(queries) <= len(single) - 6 * len(urls)
    tables = ("history_revision", "history_signedversion", "publishing_statement_tags")
    for table in (*tables, "discussion_comment"):
        assert not [q for q in queries if f'FROM "{table}"' in q["sql"]]


def test_an_unpublished_statement_is_not_in_the_batch(statements):
    gone = statements[3]
    lifecycle.unpublish(gone)
    with preload.batch([s.pk for s in statements]):
        assert preload.take(gone.language, gone.section.slug, gone.slug) is None


def test_translations_not_public_are_left_out_in_both_ways(statements):
    ru, kk, en, _lone = statements
    lifecycle.unpublish(kk)
    lifecycle.schedule(en, at=timezone.now() + timedelta(days=1))
    alone = get_public_statement(ru.section.slug, ru.slug, "ru")
    assert alone.translations() == []
    lifecycle.publish(Statement.objects.get(pk=kk.pk))
    with preload.batch([ru.pk]):
        batched = preload.take("ru", ru.section.slug, ru.slug)
        assert [t.pk for t in batched.translations()] == [kk.pk]
