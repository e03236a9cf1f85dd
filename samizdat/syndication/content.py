"""What a feed contains: its scope (language, section or tag) and its items.

Atom, RSS and JSON Feed all read the same items in a fixed number of queries: the statements
(with section and lead image joined), their tags, and every published version of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.http import Http404
from django.template.loader import render_to_string
from django.utils.translation import gettext, override

from samizdat.publishing import links as urls
from samizdat.publishing.models import Section, Statement, Tag
from samizdat.publishing.preload import attach_translations

from .links import (
    ImageRef,
    absolute_url,
    image_ref,
    site_name,
    statement_guid,
)

FEED_ITEMS = 30
MAX_SLUG_LENGTH = 200
FEED_KINDS = ("atom", "rss", "json")
FEED_TYPES = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}
FEED_LABELS = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
_URL_ATTR = re.compile(r'\b(src|href)="([^"]*)"')


@dataclass
class Scope:
    """The statements one feed follows: a language, optionally narrowed to a section or tag."""

    language: str
    section: Section | None = None
    tag: Tag | None = None
    site: str = field(init=False)

    def __post_init__(self) -> None:
        self.site = site_name(self.language)

    def _reverse(self, name: str, **extra) -> str:
        kwargs = dict(extra)
        if self.section is not None:
            kwargs["section"] = self.section.slug
        elif self.tag is not None:
            kwargs["tag"] = self.tag.slug
        return urls.url(name, self.language, **kwargs)

    @property
    def prefix(self) -> str:
        return "section-" if self.section else "tag-" if self.tag else ""

    def listing_path(self) -> str:
        """The HTML page the feed mirrors."""
        if self.section:
            return self._reverse("publishing:section")
        if self.tag:
            return self._reverse("publishing:tag")
        return self._reverse("publishing:home")

    def feed_path(self, kind: str) -> str:
        return self._reverse(f"syndication:{self.prefix}{kind}")

    def title(self) -> str:
        if self.section:
            return f"{self.section.name_in(self.language)} — {self.site}"
        if self.tag:
            return f"#{self.tag.name} — {self.site}"
        return self.site

    def description(self) -> str:
        with override(self.language):
            if self.section:
                return gettext("Statements in the section “%(section)s” — %(site)s") % {
                    "section": self.section.name_in(self.language),
                    "site": self.site,
                }
            if self.tag:
                return gettext("Statements tagged “%(tag)s” — %(site)s") % {
                    "tag": self.tag.name,
                    "site": self.site,
                }
            return gettext("Latest statements from %(site)s") % {"site": self.site}

    def statements(self, limit: int | None = None) -> list[Statement]:
        queryset = (
            Statement.objects.published()
            .in_language(self.language)
            .for_listing()
            .prefetch_related("tags")
        )
        if self.section is not None:
            queryset = queryset.filter(section=self.section)
        if self.tag is not None:
            queryset = queryset.filter(tags=self.tag)
        items = list(queryset[: limit or FEED_ITEMS])
        attach_translations(items)
        return items


def resolve_scope(language: str, section: str | None = None, tag: str | None = None) -> Scope:
    """The scope of a feed URL; Http404 for a section or tag that does not exist."""
    if section is not None:
        if len(section) > MAX_SLUG_LENGTH:
            raise Http404
        found = Section.objects.filter(slug=section).first()
        if found is None:
            raise Http404("No such section")
        return Scope(language, section=found)
    if tag is not None:
        if len(tag) > MAX_SLUG_LENGTH:
            raise Http404
        found = Tag.objects.filter(slug=tag).first()
        if found is None:
            raise Http404("No such tag")
        return Scope(language, tag=found)
    return Scope(language)


def absolutize(html: str, base: str) -> str:
    """Make every ``src``/``href`` in sanitised HTML absolute, resolved against ``base``."""
    return _URL_ATTR.sub(lambda m: f'{m[1]}="{urljoin(base, m[2])}"', html)


@dataclass
class Item:
    """One statement as every feed format shows it."""

    statement: Statement
    url: str
    guid: str
    image: ImageRef | None
    translations: list[tuple[str, str, str]]  # (language, absolute url, title)
    tags: list[str]

    @property
    def updated(self):
        s = self.statement
        return max(s.updated_at, s.published_at) if s.published_at else s.updated_at

    def content_html(self) -> str:
        """Full text: lead image, issuer, summary, body and links to the other versions."""
        s = self.statement
        with override(s.language):
            return render_to_string(
                "syndication/item.html",
                {
                    "statement": s,
                    "image": self.image,
                    "body": absolutize(s.body_html, self.url),
                    "translations": self.translations,
                },
            ).strip()


def make_item(statement: Statement) -> Item:
    url = absolute_url(statement.get_absolute_url())
    return Item(
        statement=statement,
        url=url,
        guid=statement_guid(statement),
        image=image_ref(statement.lead_image),
        translations=[
            (t.language, absolute_url(t.get_absolute_url()), t.title)
            for t in statement.translations()
        ],
        tags=[t.name for t in statement.tags.all()],
    )
