import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from samizdat.publishing.images import process_upload
from samizdat.publishing.markup import render_markdown


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ("[x](javascript:alert(1))", 'href="javascript'),
        ('<a href="javascript:alert(1)">x</a>', '<a href="javascript'),
        ("![x](https://tracker.example/pixel.gif)", "tracker.example"),
        ("<img src=x onerror=alert(1)>", "<img src=x"),
        ("<style>body{}</style>", "<style"),
        ("**unclosed *emphasis [link](", "<script"),
        ("\x00<scr\x00ipt>", "<script"),
    ],
)
def test_markdown_is_sanitised(source, forbidden):
    assert forbidden not in render_markdown(source)


def test_markdown_renders_structure_and_demotes_h1():
    html = render_markdown(
        "# Top\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n![i](/media/a.png)"
    )
    assert "<h2>Top</h2>" in html and "<h1>" not in html
    assert "<li>a</li>" in html and "<td>1</td>" in html
    assert '<img src="/media/a.png" alt="i">' in html


def _jpeg_with_gps() -> bytes:
    image = PILImage.new("RGB", (2000, 1000), (200, 10, 10))
    exif = PILImage.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_upload_is_reencoded_without_metadata_and_has_variants(settings):
    data = _jpeg_with_gps()
    assert b"SecretCam" in data
    result = process_upload(data, "photo.jpg")
    stored = default_storage.open(result["path"]).read()
    assert b"SecretCam" not in stored and b"Exif" not in stored
    assert PILImage.open(io.BytesIO(stored)).getexif() == {}
    assert (result["width"], result["height"]) == (2000, 1000)
    assert set(result["variants"]) == {"480", "960", "1600", "2000"}
    variant = PILImage.open(default_storage.open(result["variants"]["480"]))
    assert variant.size == (480, 240)


def test_png_transparency_is_kept_as_png():
    image = PILImage.new("RGBA", (100, 50), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    result = process_upload(out.getvalue(), "t.png")
    assert result["path"].endswith(".png") and result["variants"] == {"100": result["path"]}


@pytest.mark.parametrize(
    "data",
    [
        b"not an image at all",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"\x89PNG\r\n\x1a\n trunc",
    ],
)
def test_upload_type_is_checked_by_content(data):
    with pytest.raises(ValidationError):
        process_upload(data, "innocent.jpg")


def test_upload_rejects_unlisted_formats():
    out = io.BytesIO()
    PILImage.new("RGB", (10, 10)).save(out, "BMP")
    with pytest.raises(ValidationError):
        process_upload(out.getvalue(), "x.bmp")
