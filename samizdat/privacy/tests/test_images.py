"""Image intake and the re-processing of images stored before it (exiftool + Pillow checks)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from samizdat.accounts.testing import verified_login
from samizdat.publishing.admin import ImageForm
from samizdat.publishing.images import process_upload
from samizdat.publishing.models import Image, Statement
from samizdat.publishing.tests.factories import make_statement

from .metadata import (
    ORIGINAL_STEM,
    add_xmp_and_iptc,
    jpeg_full_of_metadata,
    metadata_left,
    png_full_of_metadata,
    webp_full_of_metadata,
)


def _all_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    "make, suffix",
    [
        (jpeg_full_of_metadata, ".jpg"),
        (png_full_of_metadata, ".png"),
        (webp_full_of_metadata, ".webp"),
    ],
)
def test_every_stored_file_is_clean_and_content_named(make, suffix, exiftool, media_root, tmp_path):
    data = make()
    if suffix != ".webp":
        data = add_xmp_and_iptc(exiftool, data, suffix, tmp_path)
    result = process_upload(data, f"{ORIGINAL_STEM}{suffix}")
    files = _all_files(media_root)
    assert {p.relative_to(media_root).as_posix() for p in files} == set(result["variants"].values())
    for path in files:
        assert metadata_left(exiftool, path) == [], path
        assert path.stem.split("-")[0] == result["path"].split("/")[-1].split(".")[0]
    # the same picture uploaded again gets files of its own (deleting one never hits the other)
    again = process_upload(data)
    assert again["path"] != result["path"] and ORIGINAL_STEM not in again["path"]
    assert len(_all_files(media_root)) == 2 * len(files)


def test_upload_held_in_memory_leaves_no_temporary_file(settings, tmp_path, media_root, db):
    """Above FILE_UPLOAD_MAX_MEMORY_SIZE Django would write the original to a temp file."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    verified_login(client, User.objects.create_superuser("chief", password="pw-12345-xx"))
    data = jpeg_full_of_metadata()
    assert len(data) > 1000
    response = client.post(
        "/admin/publishing/image/add/",
        {"file": SimpleUploadedFile(f"{ORIGINAL_STEM}.jpg", data), "alt": "x"},
    )
    assert response.status_code == 302
    assert list((tmp_path / "uploads").iterdir()) == []


def test_too_large_upload_gets_a_clear_error_and_nothing_is_stored(settings, media_root, db):
    settings.IMAGE_MAX_BYTES = 2000
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    verified_login(client, User.objects.create_superuser("chief", password="pw-12345-xx"))
    response = client.post(
        "/admin/publishing/image/add/",
        {"file": SimpleUploadedFile("big.jpg", jpeg_full_of_metadata()), "alt": "x"},
    )
    assert response.status_code == 200 and Image.objects.count() == 0
    errors = re.findall(r"<ul class=\"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S)
    assert errors == ["<li>Файл изображения слишком большой.</li>"], errors
    assert _all_files(media_root) == []


def test_form_never_hands_the_upload_to_the_file_field(media_root, db):
    upload = SimpleUploadedFile(f"{ORIGINAL_STEM}.png", png_full_of_metadata())
    form = ImageForm(data={"alt": "a"}, files={"file": upload})
    assert form.is_valid(), form.errors
    image = form.save()
    assert ORIGINAL_STEM not in image.file.name
    assert len(_all_files(media_root)) == len(form._processed["variants"])


def test_broken_image_is_refused():
    with pytest.raises(ValidationError):
        process_upload(b"\xff\xd8\xff\xe0 not really a jpeg")


@pytest.mark.django_db
def test_reprocess_replaces_originals_and_old_names_everywhere(exiftool, media_root, tmp_path):
    """The state left by the old intake: the original as Image.file, variants under its name."""
    original = add_xmp_and_iptc(exiftool, jpeg_full_of_metadata(), ".jpg", tmp_path)
    legacy = media_root / "images" / "2026" / "11" / "images"
    legacy.mkdir(parents=True)
    (legacy / f"{ORIGINAL_STEM}.jpg").write_bytes(original)
    (media_root / "images" / f"{ORIGINAL_STEM}-480w.jpg").write_bytes(original)
    (media_root / "images" / f"{ORIGINAL_STEM}.jpg").write_bytes(original)
    old_file = f"images/2026/11/images/{ORIGINAL_STEM}.jpg"
    image = Image.objects.create(
        file=old_file,
        alt="Митинг",
        width=1800,
        height=1000,
        variants={"480": f"images/{ORIGINAL_STEM}-480w.jpg", "1800": f"images/{ORIGINAL_STEM}.jpg"},
    )
    body = f"![a](/media/{old_file})\n\n![b](/media/images/{ORIGINAL_STEM}-480w.jpg)\n"
    statement = make_statement(lead_image=image, body=body)

    out, err = io.StringIO(), io.StringIO()
    call_command("images", "reprocess", stdout=out, stderr=err)
    assert "Re-processed 1 images" in out.getvalue() and "deleted 3" in out.getvalue()
    assert "re-processing images" in err.getvalue()  # the progress bar

    image.refresh_from_db()
    statement = Statement.objects.get(pk=statement.pk)
    assert (image.width, image.height) == (1000, 1800)
    assert f"/media/{image.file.name}" in statement.body
    assert f"/media/{image.variants['480']}" in statement.body
    assert ORIGINAL_STEM not in statement.body + statement.body_html
    files = _all_files(media_root)
    assert {p.relative_to(media_root).as_posix() for p in files} == set(image.variants.values())
    for path in files:
        assert metadata_left(exiftool, path) == [], path
    # running it again changes nothing and deletes nothing
    call_command("images", "reprocess", "--no-progress", stdout=out, stderr=err)
    assert _all_files(media_root) == files
