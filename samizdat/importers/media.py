"""Attachments → images, on demand: only those a post uses (in its body, gallery or as lead).

Files come from ``--media-dir`` (a copy of ``wp-content/uploads``) and go through
``publishing.images.process_upload``, the same intake as uploads in the admin.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from samizdat.publishing.models import Image

from . import writes
from .catalogue import Catalogue, upload_key
from .content import plain_title

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


class MediaLibrary:
    def __init__(self, importer, catalogue: Catalogue, media_dir: Path | None):
        self.importer = importer
        self.cat = catalogue
        self.media_dir = media_dir.resolve() if media_dir else None
        self.cache: dict[int, Image | None] = {}
        self.new_files: list[str] = []

    @property
    def report(self):
        return self.importer.report

    def url(self, image: Image) -> str:
        return default_storage.url(image.file.name)

    def resolve(self, url: str, where: str) -> str | None:
        """The new URL for an old uploads URL (any resized copy), importing it if needed."""
        att_id = self.cat.by_upload.get(upload_key(url))
        if att_id is None:
            if "/wp-content/uploads/" in url:
                self.report.problem("media not in the export", where, url[:200])
            return None
        image = self.image(att_id, where)
        if image is None:
            return None
        new = self.url(image)
        self.importer.redirects.add(url, new)
        return new

    def gallery(self, attrs: dict, post_id: int, where: str) -> list[tuple[str, str]]:
        ids = [int(x) for x in attrs.get("ids", "").replace(" ", "").split(",") if x.isdigit()]
        if not ids:
            ids = sorted(self.cat.children.get(post_id, []))
        out = []
        for att_id in ids:
            image = self.image(att_id, where)
            if image is not None:
                out.append((self.url(image), image.alt))
        return out

    def _source(self, rel: str) -> Path | None:
        """The file under --media-dir, never outside it (``../`` in an export is refused)."""
        if self.media_dir is None or not rel:
            return None
        candidate = (self.media_dir / PurePosixPath(rel.lstrip("/"))).resolve()
        if not candidate.is_relative_to(self.media_dir) or not candidate.is_file():
            return None
        return candidate

    def image(self, att_id: int, where: str) -> Image | None:
        if att_id in self.cache:
            return self.cache[att_id]
        self.cache[att_id] = image = self._load(att_id, where)
        return image

    def _load(self, att_id: int, where: str) -> Image | None:
        att = self.cat.attachments.get(att_id)
        if att is None:
            self.report.problem("attachment not in the export", where, f"id {att_id}")
            return None
        record = self.importer.record("attachment", att_id)
        if record is not None:
            image = Image.objects.filter(pk=record.object_id).first()
            if image is not None:
                self.report.count("image", "unchanged")
                return image
        if PurePosixPath(att.file).suffix.lower() not in IMAGE_EXTENSIONS:
            self.report.count("image", "skipped")
            self.report.problem("not an image: not imported", where, att.file)
            return None
        source = self._source(att.file)
        if source is None:
            self.report.count("image", "skipped")
            reason = "missing attachment file" if self.media_dir else "no --media-dir given"
            self.report.problem(reason, where, att.file)
            return None
        try:
            image = writes.store_image(
                source.read_bytes(),
                source.name,
                alt=att.alt or plain_title(att.title),
                caption=plain_title(att.caption),
            )
        except (ValidationError, OSError) as exc:
            self.report.count("image", "skipped")
            detail = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.report.problem("attachment file refused", where, f"{att.file}: {detail}")
            return None
        self.new_files.extend(writes.image_files(image))
        self.report.count("image", "created")
        new = self.url(image)
        self.importer.remember(
            "attachment",
            att_id,
            image,
            digest=att.file,
            guid=att.guid,
            old_path=att.link,
        )
        self.importer.redirects.add(att.url, new)
        if att.link:
            self.importer.redirects.add(att.link, new)
        self.importer.redirects.add(f"/?attachment_id={att_id}", new)
        return image

    def forget_since(self, mark: int) -> None:
        """After a failed item: drop images made since ``mark`` (their rows were rolled back)."""
        writes.delete_files(self.new_files[mark:])
        del self.new_files[mark:]
        self.cache = {
            k: v
            for k, v in self.cache.items()
            if v is None or v.pk is None or (Image.objects.filter(pk=v.pk).exists())
        }
