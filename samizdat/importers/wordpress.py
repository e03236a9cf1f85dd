"""Import a WordPress export (WXR) in one transaction: posts, pages, media, comments, old URLs.

Two streaming passes: the first (``catalogue.build``) checks the whole file is well-formed and
collects attachments, terms and translation groups; only then does the second write anything.
A dry run does the same work and rolls it back (files it stored are deleted again).
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from tqdm import tqdm

from samizdat.publishing.models import Page, Statement

from . import catalogue, comments, dates, writes, wxr
from .content import plain_title, to_markdown, to_plain_text
from .media import MediaLibrary
from .models import ImportedItem, ImportRun
from .redirects import RedirectBuffer, key_from_url
from .report import Report
from .slugs import ascii_slug, unicode_slug
from .terms import Taxonomy

STATUS = {
    "publish": Statement.Status.PUBLISHED,
    "future": Statement.Status.SCHEDULED,
    "draft": Statement.Status.DRAFT,
    "pending": Statement.Status.DRAFT,
    "private": Statement.Status.DRAFT,
}
NOT_CONTENT = {"trash", "auto-draft", "inherit"}
WP_INTERNAL_TYPES = {
    "revision", "nav_menu_item", "custom_css", "customize_changeset", "oembed_cache",
    "user_request", "wp_block", "wp_template", "wp_template_part", "wp_global_styles",
    "wp_navigation", "wp_font_family", "wp_font_face", "attachment",
}  # fmt: skip


@dataclass
class Options:
    language: str = settings.LANGUAGE_CODE
    section_map: dict[str, str] = field(default_factory=dict)
    media_dir: Path | None = None
    dry_run: bool = False
    time_zone: str | None = None
    progress: bool = True


def parse_section_map(value: str) -> dict[str, str]:
    """``analiz=analysis,news=novosti`` → {category slug: section slug}."""
    out = {}
    for pair in (value or "").split(","):
        if pair.strip():
            cat, sep, section = pair.partition("=")
            if not sep or not cat.strip() or not section.strip():
                raise ValueError(f"not category=section: {pair.strip()!r}")
            out[unicode_slug(cat.strip())] = section.strip()
    return out


class Importer:
    def __init__(self, path, options: Options):
        self.path = Path(path)
        self.options = options
        self.report = Report(dry_run=options.dry_run)
        self.redirects = RedirectBuffer(self.report)
        self.run_row: ImportRun | None = None
        self.taxonomy = Taxonomy(self)
        self.grouped: dict[str, list[int]] = defaultdict(list)  # group → statement pks
        self._records: dict[tuple[str, int], ImportedItem | None] = {}

    # -- records of what was imported before --------------------------------------------------
    def prefetch(self, kind: str, ids: list[int]) -> None:
        """Look up the records of many ids in one query (absent ones are remembered too)."""
        for wp_id in ids:
            self._records[(kind, wp_id)] = None
        for rec in ImportedItem.objects.filter(site_url=self.site_url, kind=kind, wp_id__in=ids):
            self._records[(kind, rec.wp_id)] = rec

    def record(self, kind: str, wp_id: int) -> ImportedItem | None:
        key = (kind, wp_id)
        if key not in self._records:
            self.prefetch(kind, [wp_id])
        return self._records.get(key)

    def remember(self, kind, wp_id, obj, *, digest, guid="", old_path="", author="") -> None:
        rec, _created = ImportedItem.objects.update_or_create(
            site_url=self.site_url,
            kind=kind,
            wp_id=wp_id,
            defaults={
                "guid": guid[:500],
                "old_path": key_from_url(old_path)[:1000] if old_path else "",
                "author_name": author[:200],
                "digest": digest,
                "content_type": ContentType.objects.get_for_model(obj),
                "object_id": obj.pk,
                "run": self.run_row,
            },
        )
        self._records[(kind, wp_id)] = rec

    # -- the run --------------------------------------------------------------------------------
    def _bar(self, label: str):
        return tqdm(
            total=os.path.getsize(self.path),
            unit="B",
            unit_scale=True,
            desc=label,
            disable=not self.options.progress,
            leave=False,
        )

    def run(self) -> Report:
        dates.set_time_zone(self.options.time_zone)
        with self._bar("checking") as bar:
            self.cat = catalogue.build(self.path, on_progress=lambda n: bar.update(n - bar.n))
        site = self.cat.site
        self.site_url = (site.base_site_url or site.link or "").rstrip("/")[:500]
        self.media = MediaLibrary(self, self.cat, self.options.media_dir)
        try:
            with transaction.atomic():
                self._write()
                if self.options.dry_run:
                    transaction.set_rollback(True)
        except BaseException:
            writes.delete_files(self.media.new_files)
            raise
        if self.options.dry_run:
            writes.delete_files(self.media.new_files)
        return self.report

    def _write(self) -> None:
        self.run_row = ImportRun.objects.create(
            file_name=self.path.name[:500],
            file_sha256=_sha256(self.path),
            site_url=self.site_url,
        )
        with self._bar("importing") as bar:
            for record in wxr.read(self.path, on_progress=lambda n: bar.update(n - bar.n)):
                if isinstance(record, wxr.Item):
                    self._item(record)
        self._link_translations()
        self.taxonomy.redirects()
        self.redirects.flush()
        self.run_row.summary = self.report.as_dict()
        self.run_row.save(update_fields=["summary"])

    def _item(self, item: wxr.Item) -> None:
        where = f"{item.post_type or 'item'} {item.wp_id} (line {item.line})"
        if item.post_type not in ("post", "page"):
            if item.post_type not in WP_INTERNAL_TYPES:
                self.report.count("other", "skipped")
                self.report.problem("unknown post type: skipped", where, item.post_type)
            elif item.post_type != "attachment":
                self.report.note(f"not imported: {item.post_type}")
            return
        if item.status in NOT_CONTENT or item.status not in STATUS:
            self.report.count(item.post_type, "skipped")
            self.report.note(f"{item.post_type}s with status {item.status or '(none)'} skipped")
            return
        mark = len(self.media.new_files)
        known = (set(self.taxonomy.sections), set(self.taxonomy.tags), set(self.redirects.pending))
        try:
            with transaction.atomic():
                if item.post_type == "post":
                    self._post(item, where)
                else:
                    self._page(item, where)
        except Exception as exc:  # one bad item never stops the import
            # The item's savepoint is rolled back: forget what it created.
            self.media.forget_since(mark)
            self._records.clear()
            self.taxonomy.forget_except(*known[:2])
            self.redirects.forget_except(known[2])
            self.report.count(item.post_type, "skipped")
            self.report.problem("could not import: skipped", where, f"{type(exc).__name__}: {exc}")

    def _language(self, item: wxr.Item, where: str) -> str | None:
        terms = item.terms_in("language")
        code = terms[0][0] if terms else item.meta.get("_wpml_import_language_code", "")
        code = code.strip().lower()[:2]
        if not code:
            return self.options.language
        if code in dict(settings.LANGUAGES):
            return code
        self.report.problem("language not on this site: skipped", where, code)
        return None

    def _digest(self, item: wxr.Item, language: str) -> str:
        raw = repr(
            (
                item.title, item.content, item.excerpt, item.post_name, item.status,
                item.post_date, item.post_date_gmt, sorted(item.terms), item.menu_order,
                item.meta.get("_thumbnail_id", ""), language,
                sorted(self.options.section_map.items()), bool(self.options.media_dir),
                self.options.time_zone,
            )
        )  # fmt: skip
        return hashlib.sha256(raw.encode()).hexdigest()

    def _title(self, item: wxr.Item, limit: int, where: str) -> str:
        title = plain_title(item.title) or f"({item.post_type} {item.wp_id})"
        if len(title) > limit:
            self.report.problem("title too long: shortened", where, title[:60] + "…")
            title = title[: limit - 1].rstrip() + "…"
        return title

    def _body(self, item: wxr.Item, where: str) -> str:
        prefixes = tuple(self.cat.site_prefixes())
        ours = default_storage.base_url or "/media/"

        def is_old_site(url: str) -> bool:
            if not url or url.startswith(ours):
                return False
            return url.startswith(prefixes) or (url[:1] == "/" and url[:2] != "//")

        conv = to_markdown(
            item.content,
            resolve_media=lambda url: self.media.resolve(url, where),
            is_old_site=is_old_site,
            gallery=lambda attrs: self.media.gallery(attrs, item.wp_id, where),
        )
        for name in sorted(set(conv.unknown_shortcodes)):
            self.report.problem("unknown shortcode left as text", where, f"[{name}]")
        if conv.scripts:
            self.report.problem("script removed", where, f"{conv.scripts} <script>")
        if conv.external_images:
            self.report.note("images from other sites turned into links", conv.external_images)
        return conv.markdown

    def _post(self, item: wxr.Item, where: str) -> None:
        language = self._language(item, where)
        if language is None:
            self.report.count("post", "skipped")
            return
        digest = self._digest(item, language)
        record = self.record("post", item.wp_id)
        statement = Statement.objects.filter(pk=record.object_id).first() if record else None
        if statement is not None and record.digest == digest:
            self.report.count("post", "unchanged")
        else:
            statement = self._save_post(item, where, language, statement, digest)
        group = self.cat.group_of(item.wp_id)
        if group:
            self.grouped[group].append(statement.pk)
        self.prefetch("comment", [c.wp_id for c in item.comments])
        comments.import_comments(self, statement, item.comments, where)
        self._records.clear()

    def _save_post(self, item, where, language, statement, digest) -> Statement:
        base = unicode_slug(item.post_name) or unicode_slug(item.title) or f"post-{item.wp_id}"
        slug = writes.free_slug(Statement, base, language, statement.pk if statement else None, 200)
        if slug != base:
            self.report.problem("slug collision: renamed", where, f"{base} → {slug}")
        status = STATUS[item.status]
        published = dates.parse(
            item.post_date_gmt, item.post_date, self.report, where, item.pub_date
        )
        if status == Statement.Status.SCHEDULED and published is None:
            self.report.problem("scheduled without a date: kept as draft", where)
            status = Statement.Status.DRAFT
        section, tags = self.taxonomy.section_and_tags(item, where)
        thumb = item.meta.get("_thumbnail_id", "").strip()
        lead = self.media.image(int(thumb), where) if thumb.isdigit() else None
        fields = {
            "title": self._title(item, 300, where),
            "slug": slug,
            "language": language,
            "section": section,
            "summary": to_plain_text(item.excerpt),
            "body": self._body(item, where),
            "lead_image": lead,
            "status": status,
            "published_at": published,
        }
        action = "updated" if statement else "created"
        statement = writes.save_statement(statement, fields, tags)
        self.report.count("post", action)
        author = self.cat.authors.get(item.creator, item.creator)
        self.remember(
            "post", item.wp_id, statement, digest=digest, guid=item.guid, old_path=item.link,
            author=author,
        )  # fmt: skip
        self._item_redirects(item, statement, "p")
        return statement

    def _page(self, item: wxr.Item, where: str) -> None:
        language = self._language(item, where)
        if language is None:
            self.report.count("page", "skipped")
            return
        if item.comments:
            self.report.note("comments on pages not imported", len(item.comments))
        digest = self._digest(item, language)
        record = self.record("page", item.wp_id)
        page = Page.objects.filter(pk=record.object_id).first() if record else None
        if page is not None and record.digest == digest:
            self.report.count("page", "unchanged")
            return
        # Language versions of a page share one slug: take the group's first member's.
        group = self.cat.groups.get(self.cat.group_of(item.wp_id) or "", {})
        first = group.get(self.options.language) or (min(group.values()) if group else item.wp_id)
        name = self.cat.page_names.get(first, item.post_name)
        base = ascii_slug(name) or ascii_slug(item.title) or f"page-{item.wp_id}"
        slug = writes.free_slug(Page, base, language, page.pk if page else None, 50)
        if slug != base:
            self.report.problem("slug collision: renamed", where, f"{base} → {slug}")
        fields = {
            "title": self._title(item, 200, where),
            "slug": slug,
            "language": language,
            "body": self._body(item, where),
            "order": max(0, min(item.menu_order, 32767)),
            "is_published": item.status == "publish",
        }
        action = "updated" if page else "created"
        page = writes.save_page(page, fields)
        self.report.count("page", action)
        author = self.cat.authors.get(item.creator, item.creator)
        self.remember(
            "page", item.wp_id, page, digest=digest, guid=item.guid, old_path=item.link,
            author=author,
        )  # fmt: skip
        self._item_redirects(item, page, "page_id")

    def _item_redirects(self, item: wxr.Item, obj, query: str) -> None:
        new = obj.get_absolute_url()
        self.redirects.add(f"/?{query}={item.wp_id}", new, obj)
        for url in (item.link, item.guid):
            if url and (url.startswith(tuple(self.cat.site_prefixes())) or url[:1] == "/"):
                self.redirects.add(url, new, obj)

    def _link_translations(self) -> None:
        for group, pks in self.grouped.items():
            by_language = {}
            for statement in Statement.objects.filter(pk__in=pks).order_by("pk"):
                if statement.language in by_language:
                    self.report.problem(
                        "two translations in one language: not linked", group, statement.title
                    )
                    continue
                by_language[statement.language] = statement
            ordered = sorted(
                by_language.values(), key=lambda s: s.language != self.options.language
            )
            moved = writes.link_translations(ordered)
            if len(ordered) > 1:
                self.report.count("translation", "created" if moved else "unchanged")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
