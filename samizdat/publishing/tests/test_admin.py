import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from samizdat.accounts.testing import verified_login
from samizdat.publishing.models import Image, Statement
from samizdat.publishing.tests.factories import make_section, make_statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_user("ed", password="pw-12345-xx", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    verified_login(client, user)
    return user


def test_groups_exist_with_permissions():
    editors = Group.objects.get(name="Editors")
    codes = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_statement", "change_statement", "delete_statement", "add_image"} <= codes
    moderators = Group.objects.get(name="Moderators")
    assert "change_statement" not in set(moderators.permissions.values_list("codename", flat=True))


def test_editor_adds_a_translation_from_a_statement(client, editor):
    source = make_statement(title="Исходное", language="ru")
    change = client.get(f"/admin/publishing/statement/{source.pk}/change/").content.decode()
    assert f"translation_of={source.pk}&amp;language=kk" in change
    add_url = f"/admin/publishing/statement/add/?translation_of={source.pk}&language=kk"
    form = client.get(add_url).content.decode()
    assert f'name="translation_of" value="{source.pk}"' in form
    response = client.post(
        "/admin/publishing/statement/add/",
        {
            "title": "Аударма",
            "slug": "audarma",
            "language": "kk",
            "section": source.section_id,
            "issuer": "Саяси кеңес",
            "summary": "",
            "body": "Мәтін",
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "translation_of": source.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Statement.objects.get(slug="audarma")
    source.refresh_from_db()
    assert created.translation_group_id == source.translation_group_id is not None
    assert [t.pk for t in source.translations()] == [created.pk]


def test_translation_in_same_language_is_refused(client, editor):
    source = make_statement(language="ru")
    response = client.post(
        "/admin/publishing/statement/add/",
        {
            "title": "dup",
            "slug": "dup",
            "language": "ru",
            "section": source.section_id,
            "status": "draft",
            "translation_of": source.pk,
        },
    )
    assert response.status_code == 200
    assert "уже есть версия на этом языке" in response.content.decode()


def test_publish_and_schedule_actions(client, editor):
    draft = make_statement(status=Statement.Status.DRAFT, published_at=None)
    Statement.objects.filter(pk=draft.pk).update(published_at=None)
    response = client.post(
        "/admin/publishing/statement/",
        {"action": "publish_now", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_public
    client.post(
        "/admin/publishing/statement/", {"action": "schedule", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == Statement.Status.PUBLISHED  # no future time: left as it was


def test_preview_renders_a_draft_for_staff_only(client, editor):
    draft = make_statement(title="Черновик", status=Statement.Status.DRAFT, body="**жирный**")
    response = client.get(f"/admin/publishing/statement/{draft.pk}/preview/")
    assert response.status_code == 200
    assert "<strong>жирный</strong>" in response.content.decode()
    client.logout()
    assert client.get(f"/admin/publishing/statement/{draft.pk}/preview/").status_code == 302


def _png(size=(1200, 600)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, (1, 2, 3)).save(out, "PNG")
    return out.getvalue()


def test_image_upload_requires_alt_and_is_processed(client, editor):
    upload = SimpleUploadedFile("lead.png", _png(), content_type="image/png")
    response = client.post("/admin/publishing/image/add/", {"file": upload, "alt": ""})
    assert response.status_code == 200 and Image.objects.count() == 0
    upload = SimpleUploadedFile("lead.png", _png(), content_type="image/png")
    response = client.post("/admin/publishing/image/add/", {"file": upload, "alt": "Степь"})
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.file.name.endswith(".jpg") and image.width == 1200
    assert "480" in image.variants


def test_image_upload_refuses_a_non_image(client, editor):
    upload = SimpleUploadedFile("x.png", b"GIF89a but not really", content_type="image/png")
    response = client.post("/admin/publishing/image/add/", {"file": upload, "alt": "x"})
    assert response.status_code == 200 and Image.objects.count() == 0


def test_section_slug_cannot_shadow_site_urls(client, editor):
    make_section()
    user = User.objects.create_superuser("root", password="pw-12345-xx")
    verified_login(client, user)
    response = client.post(
        "/admin/publishing/section/add/",
        {"slug": "tags", "name_ru": "a", "name_kk": "b", "name_en": "c", "order": 0},
    )
    assert response.status_code == 200 and "зарезервировано" in response.content.decode()
