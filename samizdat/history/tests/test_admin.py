"""The admin: change note, conflict on concurrent saves, history, diff, restore, status."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from samizdat.accounts.testing import verified_login
from samizdat.publishing import lifecycle
from samizdat.publishing.models import Section
from samizdat.publishing.tests.factories import make_section, make_statement

from .. import services

pytestmark = pytest.mark.django_db


def _login(client, name="ed"):
    user = User.objects.create_user(name, password="pw-12345-xx", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    verified_login(client, user)
    return user


@pytest.fixture
def editor(client):
    return _login(client)


def form_data(statement, **changes):
    data = {
        "title": statement.title,
        "slug": statement.slug,
        "language": statement.language,
        "section": statement.section_id,
        "issuer": statement.issuer,
        "summary": statement.summary,
        "body": statement.body,
        "status": statement.status,
        "published_at_0": statement.published_at.strftime("%Y-%m-%d"),
        "published_at_1": statement.published_at.strftime("%H:%M:%S"),
        "base_revision": services.latest_number(statement),
        "change_note": "",
    }
    data.update(changes)
    return data


def change_url(statement):
    return f"/admin/publishing/statement/{statement.pk}/change/"


def test_the_change_note_and_correction_flag_are_stored(client, editor):
    s = make_statement(body="Было.")
    response = client.post(
        change_url(s),
        form_data(s, body="Стало.", change_note="Поправили цифры", is_correction="on"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    rev = services.latest(s)
    assert (rev.note, rev.is_correction, rev.author) == ("Поправили цифры", True, editor)
    assert rev.data["body"] == "Стало."


def test_the_second_of_two_concurrent_saves_gets_a_conflict_with_its_text_kept(client, editor):
    s = make_statement(body="Исходный текст.")
    mine = form_data(s, body="Текст первого редактора.")
    theirs = form_data(s, body="Текст второго редактора.")  # opened at the same revision
    assert client.post(change_url(s), mine).status_code == 302
    response = client.post(change_url(s), theirs)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Текст второго редактора." in page  # their text is kept in the form
    assert "revision 2" in page or "редакция 2" in page or "ревизия 2" in page
    s.refresh_from_db()
    assert s.body == "Текст первого редактора."  # nothing overwritten silently
    # Saving again (the form now carries the latest revision) replaces it knowingly.
    again = form_data(s, body="Текст второго редактора.")
    assert client.post(change_url(s), again).status_code == 302
    s.refresh_from_db()
    assert s.body == "Текст второго редактора."


def test_history_page_shows_a_word_diff_and_restores(client, editor):
    s = make_statement(body="Мы требуем честных выборов.")
    lifecycle.revise(s, body="Мы требуем свободных выборов.")
    url = f"/admin/publishing/statement/{s.pk}/revisions/"
    page = client.get(url).content.decode()
    assert "<del>честных</del><ins>свободных</ins>" in page
    page = client.get(url, {"a": 1, "b": 2}).content.decode()
    assert "<del>честных</del>" in page
    assert client.get(url, {"a": 1, "b": 99}).status_code == 200  # a message, not a 500
    assert client.get(url, {"a": "x", "b": "y"}).status_code == 200
    response = client.post(f"{url}1/restore/", follow=True)
    assert response.status_code == 200
    s.refresh_from_db()
    assert s.body == "Мы требуем честных выборов." and services.latest_number(s) == 3
    response = client.post(f"{url}77/restore/", follow=True)
    assert response.status_code == 200 and services.latest_number(s) == 3


def test_restore_of_a_revision_whose_section_was_deleted_says_so(client, editor):
    gone = make_section("gone")
    s = make_statement(section=gone, body="Старое.")
    lifecycle.revise(s, section=make_section("kept"), body="Новое.")
    Section.objects.filter(pk=gone.pk).delete()
    url = f"/admin/publishing/statement/{s.pk}/revisions/"
    page = client.post(f"{url}1/restore/", follow=True).content.decode()
    assert "gone" in page
    s.refresh_from_db()
    assert s.body == "Новое."


def test_page_edits_are_revisions(client, editor):
    from samizdat.publishing.models import Page

    page = Page.objects.create(title="О нас", slug="about", language="ru", body="Раз")
    data = {
        "title": "О нас",
        "slug": "about",
        "language": "ru",
        "body": "Два",
        "order": 0,
        "is_published": "on",
        "base_revision": 0,
        "change_note": "обновили",
    }
    response = client.post(f"/admin/publishing/page/{page.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert services.latest(page).note == "обновили"
    assert client.get(f"/admin/publishing/page/{page.pk}/revisions/").status_code == 200
