"""Publishing asks the language registry: section names, order, languages outside the setting."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from samizdat import languages
from samizdat.accounts.testing import verified_login
from samizdat.publishing.models import Section, Statement, TranslationGroup
from samizdat.publishing.tests.factories import make_statement


@pytest.fixture
def admin_client(client, db):
    return verified_login(client, User.objects.create_superuser("root", password="pw-12345-xx"))


@pytest.mark.django_db
def test_the_section_form_has_one_name_field_per_enabled_language(admin_client, settings):
    settings.LANGUAGES = languages.django_languages(["ru", "kk", "en", "uk"])
    form = admin_client.get("/admin/publishing/section/add/").content.decode()
    for code in ("ru", "kk", "en", "uk"):
        assert f'name="name_{code}"' in form
    response = admin_client.post(
        "/admin/publishing/section/add/",
        {"slug": "news", "name_ru": "Новости", "name_kk": "", "name_en": "News",
         "name_uk": "Новини", "order": 0},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-2000:]
    section = Section.objects.get(slug="news")
    assert section.names == {"ru": "Новости", "en": "News", "uk": "Новини"}
    assert section.name_in("uk") == "Новини"
    assert section.name_in("kk") == "Новости"  # no Kazakh name: the default language's


@pytest.mark.django_db
def test_the_default_language_name_is_required(admin_client):
    response = admin_client.post(
        "/admin/publishing/section/add/", {"slug": "news", "name_en": "News", "order": 0}
    )
    assert response.status_code == 200 and not Section.objects.filter(slug="news").exists()


@pytest.mark.django_db
def test_a_version_in_a_language_outside_the_setting_is_no_500(client):
    # Before the registry, sorting the versions by settings.LANGUAGES raised ValueError here.
    group = TranslationGroup.objects.create()
    ru = make_statement(language="ru", translation_group=group)
    de = make_statement(language="en", translation_group=group)
    Statement.objects.filter(pk=de.pk).update(language="de")  # a language disabled later
    response = client.get(ru.get_absolute_url())
    assert response.status_code == 200
    assert 'hreflang="de"' in response.content.decode()


@pytest.mark.django_db
def test_versions_follow_the_setting_order(client, settings):
    settings.LANGUAGES = languages.django_languages(["en", "ru", "kk"])
    group = TranslationGroup.objects.create()
    made = {
        code: make_statement(language=code, translation_group=group) for code in ("ru", "kk", "en")
    }
    assert [t.language for t in made["kk"].translations()] == ["en", "ru"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_section_names_over():
    executor = MigrationExecutor(connection)
    before = [("publishing", "0002_editor_groups")]
    after = [("publishing", "0003_section_names_languages_announced")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("publishing", "Section")
    old.objects.create(slug="news", name_ru="Новости", name_kk="Жаңалықтар", name_en="", order=1)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("publishing", "Section")
    assert new.objects.get(slug="news").names == {"ru": "Новости", "kk": "Жаңалықтар"}
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    Section.objects.all().delete()


@pytest.mark.django_db
def test_a_right_to_left_language_gets_dir_rtl(client, settings):
    settings.LANGUAGES = languages.django_languages(["ru", "ar"])
    statement = make_statement(title="بيان", language="ar")
    html = client.get(statement.get_absolute_url()).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert '<html lang="ru" dir="ltr">' in client.get("/ru/").content.decode()
