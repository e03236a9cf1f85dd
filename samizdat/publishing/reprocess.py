"""Re-process stored images with today's intake and remove originals and old-named files.

Before the privacy work, the admin stored the uploaded original (with its EXIF, GPS, XMP …)
as ``Image.file`` and named the cleaned copies after the upload. :func:`reprocess_images`
re-encodes every image from its stored file, points the image, its variants and the Markdown
bodies that mention old paths at the clean, randomly named files, and deletes every file under
``images/`` that nothing refers to any more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import transaction
from tqdm import tqdm

from .images import FOLDER, process_upload
from .models import Image, Page, Statement

CURRENT = re.compile(rf"{FOLDER}/(?P<stem>[0-9a-f]{{32}})(-\d+w)?\.(jpg|png)")


def is_current(image: Image) -> bool:
    """Made by the current intake (a random 32-hex name): re-encoding it again only loses."""
    match = CURRENT.fullmatch(image.file.name or "")
    return bool(match) and all(
        (m := CURRENT.fullmatch(path)) and m["stem"] == match["stem"]
        for path in (image.variants or {}).values()
    )


@dataclass
class Report:
    images: int = 0
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)
    bodies: int = 0
    deleted: list[str] = field(default_factory=list)


def _walk(folder: str):
    dirs, files = default_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for name in dirs:
        yield from _walk(f"{folder}/{name}")


def _rename_in_bodies(renames: dict[str, str]) -> int:
    """Replace old media paths in Markdown bodies (longest first: variants contain the stem)."""
    changed = 0
    for model in (Statement, Page):
        for old in sorted(renames, key=len, reverse=True):
            for obj in model.objects.filter(body__contains=old):
                obj.body = obj.body.replace(old, renames[old])
                obj.save()
                changed += 1
    return changed


def _new_path(old: str, width: str | None, processed: dict) -> str:
    if width and width in processed["variants"]:
        return processed["variants"][width]
    return processed["path"]


def reprocess_images(progress: bool = True, file=None) -> Report:
    report = Report()
    renames: dict[str, str] = {}
    images = list(Image.objects.order_by("pk"))
    for image in tqdm(
        images, desc="re-processing images", unit="image", disable=not progress, file=file
    ):
        if is_current(image):
            report.unchanged += 1
            continue
        try:
            with default_storage.open(image.file.name) as handle:
                data = handle.read()
        except (FileNotFoundError, ValueError):
            report.missing.append(image.file.name or f"image {image.pk}")
            continue
        processed = process_upload(data)
        renames[image.file.name] = processed["path"]
        for width, path in (image.variants or {}).items():
            renames.setdefault(path, _new_path(path, str(width), processed))
        with transaction.atomic():
            Image.objects.filter(pk=image.pk).update(
                file=processed["path"],
                width=processed["width"],
                height=processed["height"],
                variants=processed["variants"],
            )
        report.images += 1
    renames = {old: new for old, new in renames.items() if old != new}
    report.bodies = _rename_in_bodies(renames)
    keep = set()
    for name, variants in Image.objects.values_list("file", "variants"):
        keep |= {name, *(variants or {}).values()}
    if default_storage.exists(FOLDER):
        for path in sorted(_walk(FOLDER)):
            if path in keep or _mentioned(path):
                continue
            default_storage.delete(path)
            report.deleted.append(path)
    return report


def _mentioned(path: str) -> bool:
    return any(model.objects.filter(body__contains=path).exists() for model in (Statement, Page))
