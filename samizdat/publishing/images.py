"""Image intake: check the type by content, re-encode without metadata, make width variants.

Only re-encoded files are stored (docs/privacy.md): the pixels are copied into a fresh image
after the camera's rotation is applied, colours are converted to sRGB when the upload carries
an ICC profile, and the result is saved without EXIF/GPS/XMP/IPTC, ICC, PNG text chunks or
WebP metadata. Stored names are random (a UUID), never taken from the upload.
"""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000
FOLDER = "images"


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
    try:
        image.load()
    except Exception as exc:
        raise ValidationError(_("This file is not an image we can read.")) from exc
    return image


def _to_srgb(image: PILImage.Image) -> PILImage.Image:
    """Apply an embedded ICC profile (its text goes with it); keep the pixels if it is broken."""
    icc = image.info.get("icc_profile")
    if not icc:
        return image
    try:
        mode = "RGBA" if "A" in image.getbands() else "RGB"
        source = image if image.mode in ("RGB", "RGBA", "CMYK") else image.convert(mode)
        return ImageCms.profileToProfile(
            source,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode=mode,
        )
    except Exception:  # a broken profile: drop it, keep the pixels as they are
        return image


def clean_pixels(data: bytes) -> tuple[PILImage.Image, bool]:
    """A fresh image with only the pixels of ``data`` (rotated, sRGB); whether it has alpha."""
    image = _open_checked(data)
    image = ImageOps.exif_transpose(image)  # honour the camera's rotation before dropping EXIF
    image = _to_srgb(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    clean = PILImage.new(mode, image.size)  # a new image: no info, no EXIF, no profile
    clean.paste(image.convert(mode))
    return clean, has_alpha


def _encode(image: PILImage.Image, has_alpha: bool) -> tuple[bytes, str]:
    out = io.BytesIO()
    if has_alpha:
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "png"
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue(), "jpg"


def _store(body: bytes, name: str) -> str:
    return default_storage.save(name, ContentFile(body))


def process_upload(data: bytes, name: str = "") -> dict:
    """Return the stored path, size and variants of a cleaned copy of ``data``.

    ``name`` (the uploader's file name) is deliberately unused: it can identify the uploader.
    """
    if len(data) > settings.IMAGE_MAX_BYTES:
        raise ValidationError(_("The image file is too large."))
    clean, has_alpha = clean_pixels(data)
    body, ext = _encode(clean, has_alpha)
    # Random, never shared: deleting one image (or a rolled-back import) cannot take another's file.
    stem = uuid.uuid4().hex
    path = _store(body, f"{FOLDER}/{stem}.{ext}")
    variants = {}
    for width in settings.IMAGE_WIDTHS:
        if width >= clean.width:
            continue
        height = max(1, round(clean.height * width / clean.width))
        resized = clean.resize((width, height), PILImage.Resampling.LANCZOS)
        vbody, vext = _encode(resized, has_alpha)
        variants[str(width)] = _store(vbody, f"{FOLDER}/{stem}-{width}w.{vext}")
    variants[str(clean.width)] = path
    return {"path": path, "width": clean.width, "height": clean.height, "variants": variants}
