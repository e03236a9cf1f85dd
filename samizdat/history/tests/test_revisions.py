import pytest
from django.utils.translation import gettext

from samizdat.publishing import lifecycle
from samizdat.publishing.models import Image, Page, Section, Statement
from samizdat.publishing.tests.factories import make_section, make_statement

from .. import diff, services
from ..models import Revision

pytestmark = pytest.mark.django_db


def numbers(statement):
    return list(
        services.revisions_of(statement).order_by("number").values_list("number", flat=True)
    )


def test_every_save_that_changes_something_is_a_revision():
    s = make_statement(body="Первый текст.")
    assert numbers(s) == [1]
    lifecycle.revise(s, body="Второй текст.")
    lifecycle.revise(s, body="Второй текст.")  # no change: no revision
    assert numbers(s) == [1, 2]
    lifecycle.unpublish(s)
    s.title = "Черновик"
    lifecycle.revise(s)  # a draft edited: no signal, still a revision
    assert numbers(s) == [1, 2, 3, 4]
    last = services.latest(s)
    assert last.data["title"] == "Черновик" and last.public is False
    assert Revision.objects.get(statement=s, number=2).public is True


def test_note_author_and_correction_come_from_the_context(admin_user):
    s = make_statement()
    with services.revision_context("Исправлена дата", is_correction=True):
        lifecycle.revise(s, actor=admin_user, body="Исправленный текст.")
    rev = services.latest(s)
    assert (rev.note, rev.is_correction, rev.author) == ("Исправлена дата", True, admin_user)


def test_history_starts_with_the_state_before_the_first_recorded_change():
    s = make_statement(body="Старый")
    Revision.objects.filter(statement=s).delete()
    lifecycle.revise(s, body="Новый")
    assert [r.data["body"] for r in services.revisions_of(s).order_by("number")] == [
        "Старый",
        "Новый",
    ]


def test_word_diff_marks_words_without_styles():
    html = diff.word_diff("Мы требуем <свободы> слова", "Мы требуем свободы собраний")
    assert html == (
        "Мы требуем <del>&lt;свободы&gt;</del><ins>свободы</ins> "
        "<del>слова</del><ins>собраний</ins>"
    )
    assert "style" not in html
    changes = diff.compare({"title": "А", "body": "x y"}, {"title": "А", "body": "x z"})
    assert [c.name for c in changes] == ["body"]


def test_restore_makes_a_new_revision():
    s = make_statement(body="Версия один.", tags=["a"])
    first = services.latest(s)
    lifecycle.revise(s, body="Версия два.", title="Другое")
    restored = services.restore(s, first)
    s.refresh_from_db()
    assert s.body == "Версия один." and restored.number == 4
    assert restored.note == gettext("Restored revision %(number)s") % {"number": 2}
    assert list(s.tags.values_list("slug", flat=True)) == ["a"]


def test_restore_with_a_deleted_section_keeps_the_current_data():
    old_section = make_section("old")
    s = make_statement(section=old_section, body="Старое")
    first = services.latest(s)
    lifecycle.revise(s, section=make_section("new"), body="Новое")
    Section.objects.filter(pk=old_section.pk).delete()
    with pytest.raises(services.RestoreError, match="old"):
        services.restore(s, first)
    s.refresh_from_db()
    assert s.body == "Новое" and numbers(s) == [1, 2]


def test_restore_with_a_deleted_image_keeps_the_current_data():
    image = Image.objects.create(file="images/x.jpg", alt="степь")
    s = make_statement(lead_image=image, body="С картинкой")
    first = services.latest(s)
    lifecycle.revise(s, lead_image=None, body="Без картинки")
    image.delete()
    with pytest.raises(services.RestoreError):
        services.restore(s, first)
    s.refresh_from_db()
    assert s.body == "Без картинки"


def test_a_revision_of_another_statement_is_refused():
    a, b = make_statement(), make_statement()
    with pytest.raises(services.RestoreError):
        services.restore(a, services.latest(b))
    assert Statement.objects.get(pk=a.pk).body == a.body


def test_page_revisions_and_restore():
    page = Page.objects.create(title="О нас", slug="about", language="ru", body="Раз")
    services.record(page)
    page.body = "Два"
    page.save()
    services.record(page)
    services.restore(page, services.revisions_of(page).get(number=1))
    page.refresh_from_db()
    assert page.body == "Раз" and services.latest_number(page) == 3
