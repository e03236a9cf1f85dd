"""First pass over an export: the small facts needed before any post can be imported.

Attachments usually come after the posts that use them, and translation groups are listed as
terms, so the first streaming pass keeps only this metadata (no post bodies).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from . import wxr

SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
POLYLANG_PAIR = re.compile(r's:\d+:"([a-zA-Z_-]+)";i:(\d+);')
UPLOADS = "/wp-content/uploads/"


def parse_polylang_group(description: str) -> dict[str, int]:
    """Polylang's ``post_translations`` description, a PHP-serialized {lang: post id} array.

    Only that shape is read (string keys, integer values), so no general PHP unserialiser.
    """
    return {lang: int(pid) for lang, pid in POLYLANG_PAIR.findall(description or "")}


def upload_key(url: str) -> str:
    """``2024/05/photo.jpg`` for any URL of that upload or one of its resized copies."""
    path = unquote(urlsplit(url).path)
    rel = path.split(UPLOADS, 1)[1] if UPLOADS in path else path.lstrip("/")
    return SIZE_SUFFIX.sub("", rel)


@dataclass
class Attachment:
    wp_id: int
    url: str
    title: str
    alt: str
    caption: str
    parent: int
    link: str
    guid: str
    file: str  # relative to uploads, e.g. "2024/05/photo.jpg"


@dataclass
class Catalogue:
    site: wxr.Site = field(default_factory=wxr.Site)
    authors: dict[str, str] = field(default_factory=dict)
    categories: dict[str, wxr.Term] = field(default_factory=dict)
    tags: dict[str, wxr.Term] = field(default_factory=dict)
    attachments: dict[int, Attachment] = field(default_factory=dict)
    by_upload: dict[str, int] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    # translation group key → {language: wp id}
    groups: dict[str, dict[str, int]] = field(default_factory=dict)
    page_names: dict[int, str] = field(default_factory=dict)
    member_group: dict[int, str] = field(default_factory=dict)
    # Polylang's term_translations: category term id → {language: term id}
    term_groups: dict[int, dict[str, int]] = field(default_factory=dict)
    category_ids: dict[int, wxr.Term] = field(default_factory=dict)
    items: int = 0
    types: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def top_category(self, slug: str) -> str:
        seen = set()
        while slug in self.categories and self.categories[slug].parent and slug not in seen:
            seen.add(slug)
            parent = self.categories[slug].parent
            if parent not in self.categories:
                break
            slug = parent
        return slug

    def category_path(self, slug: str) -> str:
        parts, seen = [slug], {slug}
        while slug in self.categories and self.categories[slug].parent:
            slug = self.categories[slug].parent
            if slug in seen or slug not in self.categories:
                break
            seen.add(slug)
            parts.append(slug)
        return "/".join(unquote(p) for p in reversed(parts))

    def group_of(self, wp_id: int) -> str | None:
        return self.member_group.get(wp_id)

    def site_prefixes(self) -> list[str]:
        out = []
        for url in (self.site.base_site_url, self.site.base_blog_url, self.site.link):
            url = (url or "").rstrip("/")
            if url:
                host = url.split("://", 1)[-1]
                out += [f"http://{host}", f"https://{host}", f"//{host}"]
        return list(dict.fromkeys(out))


def build(path, on_progress=None) -> Catalogue:
    cat = Catalogue()
    for record in wxr.read(path, on_progress=on_progress):
        if isinstance(record, wxr.Site):
            cat.site = record
        elif isinstance(record, wxr.Author):
            cat.authors[record.login] = record.display_name or record.login
        elif isinstance(record, wxr.Term):
            if record.taxonomy == "category":
                cat.categories[record.slug] = record
                cat.category_ids[record.term_id] = record
            elif record.taxonomy == "post_tag":
                cat.tags[record.slug] = record
            elif record.taxonomy == "post_translations":
                cat.groups[f"pll:{record.slug}"] = parse_polylang_group(record.description)
            elif record.taxonomy == "term_translations":
                group = parse_polylang_group(record.description)
                for term_id in group.values():
                    cat.term_groups[term_id] = group
        elif isinstance(record, wxr.Item):
            _catalogue_item(cat, record)
    # A group needs two members to link anything.
    cat.groups = {k: v for k, v in cat.groups.items() if len(v) > 1}
    cat.member_group = {pid: key for key, members in cat.groups.items() for pid in members.values()}
    return cat


def _catalogue_item(cat: Catalogue, item: wxr.Item) -> None:
    cat.items += 1
    cat.types[item.post_type] += 1
    if item.post_type == "attachment":
        url = item.attachment_url or item.guid
        file = item.meta.get("_wp_attached_file", "").strip() or upload_key(url)
        att = Attachment(
            wp_id=item.wp_id,
            url=url,
            title=item.title,
            alt=item.meta.get("_wp_attachment_image_alt", "").strip(),
            caption=item.excerpt.strip(),
            parent=item.parent,
            link=item.link,
            guid=item.guid,
            file=file,
        )
        cat.attachments[item.wp_id] = att
        cat.by_upload[SIZE_SUFFIX.sub("", file)] = item.wp_id
        cat.by_upload.setdefault(upload_key(url), item.wp_id)
        if item.parent:
            cat.children[item.parent].append(item.wp_id)
        return
    if item.post_type == "page":
        cat.page_names[item.wp_id] = item.post_name or item.title
    # Polylang also marks each item with its group; WPML's export plugin uses post meta.
    for slug, _label in item.terms_in("post_translations"):
        cat.groups.setdefault(f"pll:{slug}", {})
    wpml_group = item.meta.get("_wpml_import_translation_group", "").strip()
    wpml_lang = item.meta.get("_wpml_import_language_code", "").strip()
    if wpml_group and wpml_lang:
        cat.groups.setdefault(f"wpml:{wpml_group}", {})[wpml_lang[:2]] = item.wp_id
