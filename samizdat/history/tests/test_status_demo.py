"""The admin's translation status table, and the demo content that fills it."""

from __future__ import annotations

import io

import pytest
from django.apps import apps

from samizdat.publishing import lifecycle
from samizdat.publishing.demo import load_demo
from samizdat.publishing.models import Statement
from samizdat.publishing.tests.factories import link, make_statement

from .. import freshness

pytestmark = pytest.mark.django_db
URL = "/admin/publishing/statement/translation-status/"


def test_status_table_per_language_with_filter(admin_client):
    ru = make_statement("Вода", language="ru", slug="voda")
    kk = make_statement("Су", language="kk", slug="su")
    link(ru, kk)
    lone = make_statement("Без перевода", language="ru", slug="lone")
    other = make_statement("Другое", language="kk", slug="basqa")
    link(lone, other)
    lifecycle.revise(ru, body="Новый текст оригинала.")
    page = admin_client.get(URL).content.decode()
    assert "Вода" in page and 'class="state-outdated"' in page and 'class="state-missing"' in page
    page = admin_client.get(URL, {"language": "kk", "state": "outdated"}).content.decode()
    assert "Вода (ru)" in page and "Без перевода" not in page
    page = admin_client.get(URL, {"language": "en", "state": "missing"}).content.decode()
    assert "Вода (ru)" in page and "Без перевода (ru)" in page
    assert admin_client.get(URL, {"language": "xx"}).status_code == 404
    assert admin_client.get(URL, {"state": "bogus"}).status_code == 404
    change = admin_client.get(f"/admin/publishing/statement/{kk.pk}/change/").content.decode()
    assert "<ins>" in change  # the diff of the original since the translation


def test_mark_checked_action(admin_client):
    ru = make_statement("Вода", language="ru", slug="voda")
    kk = make_statement("Су", language="kk", slug="su")
    link(ru, kk)
    lifecycle.revise(ru, body="Новый текст.")
    response = admin_client.post(
        "/admin/publishing/statement/",
        {"action": "mark_checked", "_selected_action": [kk.pk, ru.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert freshness.state_of(Statement.objects.get(pk=kk.pk)) == "current"


def test_demo_has_an_outdated_kk_version(client, admin_client):
    load_demo()
    out = io.StringIO()
    apps.get_app_config("history").demo_setup(out)
    apps.get_app_config("history").demo_setup(out)  # idempotent
    rows = freshness.table("kk", "outdated")
    assert len(rows) == 1
    kk = next(c["member"] for c in rows[0]["cells"] if c["language"] == "kk")
    page = client.get(Statement.objects.get(pk=kk.pk).get_absolute_url()).content.decode()
    assert "notice-outdated" in page
    assert "state-outdated" in admin_client.get(URL, {"language": "kk"}).content.decode()
