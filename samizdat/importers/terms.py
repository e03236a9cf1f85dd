"""Categories and tags: top-level categories become sections, the rest tags; their old URLs.

Section names are written by ``writes.ensure_section`` only.
"""

from __future__ import annotations

from urllib.parse import unquote

from django.utils.translation import gettext, override

from samizdat import languages

from . import writes, wxr
from .content import plain_title
from .slugs import ascii_slug, unicode_slug

FALLBACK_SLUG = "archive"


def fallback_section_names() -> dict[str, str]:
    """The name of the section for posts without a category, in every enabled language."""
    names = {}
    for code in languages.codes():
        with override(code):
            names[code] = gettext("Archive")
    return names


class Taxonomy:
    def __init__(self, importer):
        self.importer = importer
        self.sections: dict[str, object] = {}  # section key or "cat:<top slug>" → Section
        self.tags: dict[str, object] = {}  # "tag:<slug>" or "cat:<slug>" → Tag

    def forget_except(self, sections: set, tags: set) -> None:
        self.sections = {k: v for k, v in self.sections.items() if k in sections}
        self.tags = {k: v for k, v in self.tags.items() if k in tags}

    @property
    def report(self):
        return self.importer.report

    @property
    def cat(self):
        return self.importer.cat

    @property
    def options(self):
        return self.importer.options

    def section_and_tags(self, item: wxr.Item, where: str):
        section, tags = None, []
        seen = set()
        for slug, label in item.terms_in("category"):
            slug = slug or unicode_slug(label)
            if not slug or slug in seen:
                continue
            seen.add(slug)
            top = self.cat.top_category(slug)
            mapped = self.options.section_map.get(
                unicode_slug(slug)
            ) or self.options.section_map.get(unicode_slug(top))
            if section is None and (mapped or top):
                key, names = mapped or top, {}
                term = self.cat.categories.get(top)
                if term and not mapped:
                    key, names = self._translated(term)
                if key not in self.sections:
                    name = (term.name if term and not mapped else "") or label or key
                    names = names or {self.options.language: plain_title(name)}
                    self.sections[key], created = writes.ensure_section(
                        ascii_slug(key) or f"category-{term.term_id if term else 0}", names
                    )
                    self.report.count("section", "created" if created else "unchanged")
                section = self.sections[key]
                self.sections.setdefault(f"cat:{top}", section)
                if slug == top or mapped:
                    continue
            tags.append(self.tag(slug, label, category=True))
        for slug, label in item.terms_in("post_tag"):
            if slug or unicode_slug(label):
                tags.append(self.tag(slug or unicode_slug(label), label))
        if section is None:
            if FALLBACK_SLUG not in self.sections:
                self.sections[FALLBACK_SLUG], created = writes.ensure_section(
                    FALLBACK_SLUG, fallback_section_names()
                )
                self.report.count("section", "created" if created else "unchanged")
            self.report.note("posts without a category (put in 'archive')")
            section = self.sections[FALLBACK_SLUG]
        return section, list({t.pk: t for t in tags}.values())

    def _translated(self, term: wxr.Term) -> tuple[str, dict[str, str]]:
        """A category and its Polylang translations are one section, named per language."""
        group = self.cat.term_groups.get(term.term_id)
        if not group:
            return term.slug, {}
        members = {
            lang[:2]: self.cat.category_ids[tid]
            for lang, tid in group.items()
            if tid in self.cat.category_ids
        }
        lead = members.get(self.options.language) or members[min(members)]
        return lead.slug, {lang: plain_title(t.name) for lang, t in members.items()}

    def tag(self, slug: str, label: str, category: bool = False):
        key = f"{'cat' if category else 'tag'}:{slug}"
        if key not in self.tags:
            self.tags[key], created = writes.ensure_tag(slug or label, plain_title(label))
            self.report.count("tag", "created" if created else "unchanged")
        return self.tags[key]

    def redirects(self) -> None:
        with override(self.options.language):
            for key, section in self.sections.items():
                if key.startswith("cat:"):
                    top, new = key[4:], section.get_absolute_url()
                    self.importer.redirects.add(
                        f"/category/{self.cat.category_path(top)}/", new, section
                    )
                    term = self.cat.categories.get(top)
                    if term and term.term_id:
                        self.importer.redirects.add(f"/?cat={term.term_id}", new, section)
            for key, tag in self.tags.items():
                kind, _sep, slug = key.partition(":")
                if kind == "cat":
                    old = f"/category/{self.cat.category_path(slug)}/"
                else:
                    old = f"/tag/{unquote(slug)}/"
                self.importer.redirects.add(old, tag.get_absolute_url(), tag)
