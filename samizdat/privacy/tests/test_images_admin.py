"""Must show: photos full of metadata uploaded through the admin leave none of it anywhere."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image as PILImage

from samizdat.accounts.testing import verified_login
from samizdat.publishing.models import Image
from samizdat.publishing.tests.factories import make_statement

from .metadata import (
    MARKERS,
    ORIGINAL_STEM,
    add_xmp_and_iptc,
    jpeg_full_of_metadata,
    metadata_left,
    png_full_of_metadata,
)

pytestmark = pytest.mark.django_db
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}


@pytest.fixture
def staff(client):
    user = User.objects.create_superuser("chief", password="pw-12345-xx")
    verified_login(client, user)  # password and second factor, as the admin requires
    return user


def _upload(client, name: str, data: bytes, alt: str) -> Image:
    before = set(Image.objects.values_list("pk", flat=True))
    response = client.post(
        "/admin/publishing/image/add/",
        {"file": SimpleUploadedFile(name, data), "alt": alt, "caption": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Image.objects.exclude(pk__in=before).get()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _image_urls(html: str) -> list[str]:
    urls = re.findall(r'<img[^>]*\ssrc="([^"]+)"', html)
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        urls += [item.strip().split(" ")[0] for item in srcset.split(",") if item.strip()]
    return urls


def test_admin_upload_stores_and_publishes_only_clean_files(
    client, staff, exiftool, media_root, tmp_path, settings
):
    jpeg = add_xmp_and_iptc(exiftool, jpeg_full_of_metadata(), ".jpg", tmp_path)
    png = add_xmp_and_iptc(exiftool, png_full_of_metadata(), ".png", tmp_path)
    for data, suffix in ((jpeg, ".jpg"), (png, ".png")):  # the inputs really carry it all
        probe = tmp_path / f"probe{suffix}"
        probe.write_bytes(data)
        left = " ".join(metadata_left(exiftool, probe))
        for expected in ("GPS", "SecretCam", "SN-99731", "XMP", "IPTC", "ICC"):
            assert expected in left, (suffix, expected)
        # the profile's description text (zlib-compressed in a PNG, plain in a JPEG)
        assert suffix == ".png" or "ICC profile text" in left
    png_left = " ".join(metadata_left(exiftool, tmp_path / "probe.png"))
    assert "png-text-secret" in png_left and "png-ztxt-secret" in png_left

    photo = _upload(client, f"{ORIGINAL_STEM}.jpg", jpeg, "Митинг")
    poster = _upload(client, f"{ORIGINAL_STEM}-poster.png", png, "Плакат")

    # 1. Every file under MEDIA_ROOT is one the images refer to, and is clean.
    referenced = {photo.file.name, poster.file.name, *photo.variants.values()}
    referenced |= set(poster.variants.values())
    stored = _files(media_root)
    assert {p.relative_to(media_root).as_posix() for p in stored} == referenced
    for path in stored:
        assert metadata_left(exiftool, path) == [], path
    # Orientation 6 was applied before EXIF went: the landscape photo is now portrait, and
    # the blue top-left corner of the sensor image is at the top right.
    assert (photo.width, photo.height) == (1000, 1800)
    pixels = PILImage.open(media_root / photo.file.name).convert("RGB")
    red, green, blue = pixels.getpixel((photo.width - 20, 20))
    assert blue > 150 and red < 100
    assert poster.file.name.endswith(".png")  # transparency kept

    # 2. The public page links only to those clean files, under names that are not the upload's.
    body = f"Текст.\n\n![Плакат](/media/{poster.file.name})\n"
    statement = make_statement(lead_image=photo, body=body)
    html = client.get(statement.get_absolute_url()).content.decode()
    listing = client.get(f"/{statement.language}/").content.decode()  # the home listing
    assert photo.file.name in listing and ORIGINAL_STEM not in listing
    urls = _image_urls(html) + _image_urls(listing)
    assert any(photo.file.name in url for url in urls)
    assert any(poster.file.name in url for url in urls)
    assert ORIGINAL_STEM not in html
    for url in urls:
        relative = url.split("/media/", 1)[1]
        assert (media_root / relative).is_file() and not metadata_left(
            exiftool, media_root / relative
        )

    # 3. The static mirror carries neither the metadata nor the uploader's file names.
    mirror = tmp_path / "mirror"
    call_command("mirror", "export", str(mirror), stdout=io.StringIO(), stderr=io.StringIO())
    mirrored_images = 0
    for path in _files(mirror):
        if path.suffix.lower() in IMAGE_SUFFIXES and "media" in path.parts:
            mirrored_images += 1
            assert metadata_left(exiftool, path) == [], path
        else:
            text = path.read_bytes()
            assert ORIGINAL_STEM.encode() not in text, path
            assert not [m for m in MARKERS if m.encode() in text], path
    assert mirrored_images >= 2
