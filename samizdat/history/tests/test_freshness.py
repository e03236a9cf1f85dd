"""Translation freshness: original, outdated, checked, notices, feed category, sitemap."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from samizdat.publishing import lifecycle
from samizdat.publishing.models import Statement
from samizdat.publishing.tests.factories import link, make_statement

from .. import freshness, services
from ..models import TranslationState

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio():
    ru = make_statement("Вода", language="ru", slug="voda", body="Тарифы выросли втрое.")
    kk = make_statement("Су", language="kk", slug="su", body="Тарифтер үш есе өсті.")
    en = make_statement("Water", language="en", slug="water", body="Tariffs tripled.")
    link(ru, kk, en)
    return ru, kk, en


def states(*statements):
    return [freshness.state_of(Statement.objects.get(pk=s.pk)) for s in statements]


def test_a_new_text_revision_of_the_original_makes_translations_outdated(trio):
    ru, kk, en = trio
    assert states(ru, kk, en) == ["original", "current", "current"]
    lifecycle.revise(ru, body="Тарифы выросли вчетверо.")
    assert states(ru, kk, en) == ["original", "outdated", "outdated"]
    freshness.mark_checked(Statement.objects.get(pk=kk.pk))
    assert states(ru, kk, en) == ["original", "current", "outdated"]
    lifecycle.unpublish(ru)  # status only: no text changed, nothing falls behind
    assert states(kk) == ["current"]


def test_editing_a_translation_does_not_outdate_the_others(trio):
    ru, kk, en = trio
    lifecycle.revise(kk, body="Жаңа мәтін.")
    assert states(ru, kk, en) == ["original", "current", "current"]


def test_the_original_can_be_changed(trio):
    ru, kk, en = trio
    freshness.set_original(Statement.objects.get(pk=en.pk))
    assert states(ru, kk, en)[2] == "original"
    assert TranslationState.objects.filter(is_original=True).count() == 1


def test_the_editor_sees_what_changed_in_the_original(trio):
    ru, kk, en = trio
    lifecycle.revise(ru, body="Тарифы выросли вчетверо.")
    source, latest, changes = freshness.changes_since(Statement.objects.get(pk=kk.pk))
    assert (source.number, latest.number) == (1, 2)
    assert [c.name for c in changes] == ["body"]
    assert "<del>втрое.</del><ins>вчетверо.</ins>" in changes[0].html


def test_a_revision_of_another_statement_is_refused(trio):
    ru, kk, en = trio
    other = make_statement()
    with override("en"), pytest.raises(ValidationError, match="another statement"):
        freshness.mark_checked(kk, services.latest(other))
    state = TranslationState.objects.get(statement=kk)
    state.source_revision = services.latest(other)
    with pytest.raises(ValidationError):
        state.full_clean()
    with pytest.raises(ValidationError):
        freshness.mark_checked(ru)  # the original itself


def test_the_public_page_of_an_outdated_translation_says_so_in_its_language(client, trio):
    ru, kk, en = trio
    assert "notice-outdated" not in client.get(kk.get_absolute_url()).content.decode()
    lifecycle.revise(ru, body="Тарифы выросли вчетверо.")
    page = client.get(kk.get_absolute_url()).content.decode()
    assert 'class="notice notice-outdated"' in page
    assert f'href="{ru.get_absolute_url()}"' in page
    with override("kk"):
        from django.utils.translation import gettext

        expected = gettext(
            "This translation is outdated: the original was changed after it was translated."
        )
    assert expected in page
    assert "notice-outdated" not in client.get(ru.get_absolute_url()).content.decode()


def test_machine_translation_label(client, trio):
    ru, kk, en = trio
    state = TranslationState.objects.get(statement=en)
    state.machine_made = True
    state.save()  # saving the state bumps the site version: the cached page goes
    assert "notice-machine" in client.get(en.get_absolute_url()).content.decode()
    state.reviewed = True
    state.save()
    page = client.get(en.get_absolute_url()).content.decode()
    assert "reviewed by a person" in page


def test_feeds_and_sitemap_carry_the_status(client, trio):
    ru, kk, en = trio
    before = Statement.objects.get(pk=kk.pk).updated_at
    lifecycle.revise(ru, body="Тарифы выросли вчетверо.")
    assert Statement.objects.get(pk=kk.pk).updated_at > before  # sitemap lastmod follows
    feed = client.get("/kk/feeds/atom.xml").content.decode()
    with override("kk"):
        from django.utils.translation import gettext

        label = gettext("outdated translation")
    assert f'term="{label}"' in feed
    assert "term=" not in client.get("/ru/feeds/atom.xml").content.decode() or (
        label not in client.get("/ru/feeds/atom.xml").content.decode()
    )


def _shown(notice: dict) -> tuple:
    """What _notice.html shows: the link to the original only with one of the notices."""
    outdated, machine = bool(notice.get("outdated")), bool(notice.get("machine"))
    original = notice.get("original") if outdated or machine else None
    return outdated, machine, bool(notice.get("reviewed")), original.pk if original else None


def test_the_page_notice_needs_the_group_only_for_a_version_made_from_the_original(
    trio, django_assert_num_queries
):
    """Whatever a version's state, the one-query shortcut says what the group would."""
    ru, kk, en = trio
    alone = make_statement("Одно", slug="odno")  # no translation state at all
    lifecycle.revise(ru, body="Тарифы выросли вчетверо.")  # kk and en fall behind
    en_state = TranslationState.objects.get(statement=en)
    en_state.source_revision, en_state.machine_made = None, True  # machine-made, no source
    en_state.save()
    cases = [ru, kk, en, alone]
    for reviewed in (False, True):
        en_state.reviewed = reviewed
        en_state.save()
        for statement in cases:
            statement = Statement.objects.get(pk=statement.pk)
            assert _shown(freshness.notice(statement)) == _shown(
                freshness.notice_from_group(statement)
            ), statement.language
    assert _shown(freshness.notice(kk)) == (True, False, False, ru.pk)
    en_state.reviewed = False
    en_state.save()
    assert _shown(freshness.notice(en)) == (False, True, False, ru.pk)
    # Two groups merged: kk still carries the original flag of its old group, with a source.
    TranslationState.objects.update_or_create(statement=ru, defaults={"is_original": True})
    TranslationState.objects.filter(statement=kk).update(is_original=True)  # as a merge leaves it
    assert _shown(freshness.notice(kk)) == _shown(freshness.notice_from_group(kk))
    assert _shown(freshness.notice(kk))[0] is True  # ru, made first, is the original
    from samizdat.publishing.views import get_public_statement

    original = make_statement("Исходник", slug="ishodnik")
    TranslationState.objects.create(statement=original, is_original=True)
    for statement in (original, alone):  # nothing to say: the own state is enough
        plain = Statement.objects.get(pk=statement.pk)
        with django_assert_num_queries(1):
            freshness.notice(plain)
        page = get_public_statement(statement.section.slug, statement.slug, statement.language)
        with django_assert_num_queries(0):  # the page's query brought the state along
            freshness.notice(page)
