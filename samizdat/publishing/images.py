"""Image intake: check the type by content, re-encode without metadata, make width variants."""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageOps

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000


def _open_checked(data: bytes) -> PILImage.Image:
    try:
        probe = PILImage.open(io.BytesIO(data))
        fmt = probe.format
        probe.verify()
    except Exception as exc:  # Pillow raises many types for garbage
        raise ValidationError(_("This file is not an image we can read.")) from exc
    if fmt not in ACCEPTED_FORMATS:
        raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."))
    image = PILImage.open(io.BytesIO(data))
    if image.width * image.height > MAX_PIXELS:
        raise ValidationError(_("The image is too large."))
    image.load()
    return image


def _encode(image: PILImage.Image, has_alpha: bool) -> tuple[bytes, str]:
    out = io.BytesIO()
    if has_alpha:
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "png"
    image.convert("RGB").save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue(), "jpg"


def process_upload(data: bytes, name: str) -> dict:
    """Return the stored path, size and variants of a cleaned copy of ``data``.

    The original bytes are never stored: pixels are copied into a fresh image, so EXIF,
    GPS, XMP and ICC comments do not survive.
    """
    if len(data) > settings.IMAGE_MAX_BYTES:
        raise ValidationError(_("The image file is too large."))
    image = _open_checked(data)
    image = ImageOps.exif_transpose(image)  # honour the camera's rotation, then drop EXIF
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    clean = PILImage.new("RGBA" if has_alpha else "RGB", image.size)
    clean.paste(image.convert("RGBA" if has_alpha else "RGB"))

    stem = PurePosixPath(name).stem[:40] or "image"
    folder = "images"
    body, ext = _encode(clean, has_alpha)
    path = default_storage.save(f"{folder}/{stem}.{ext}", ContentFile(body))
    stored_stem = PurePosixPath(path).stem
    variants = {}
    for width in settings.IMAGE_WIDTHS:
        if width >= clean.width:
            continue
        height = round(clean.height * width / clean.width)
        resized = clean.resize((width, height), PILImage.Resampling.LANCZOS)
        vbody, vext = _encode(resized, has_alpha)
        variants[str(width)] = default_storage.save(
            f"{folder}/{stored_stem}-{width}w.{vext}", ContentFile(vbody)
        )
    variants[str(clean.width)] = path
    return {"path": path, "width": clean.width, "height": clean.height, "variants": variants}
