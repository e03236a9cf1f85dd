"""The sitemap on ``django.contrib.sitemaps``: listings, statements and pages in one sequence.

``SiteSitemap`` is one Django ``Sitemap`` whose items chain three sources (statements oldest
first, then Pages, then listings), so Django's paginator splits the whole site every ``limit``
URLs: ``/sitemap.xml`` is the only file while everything fits, and becomes an index of
``/sitemap-1.xml`` … past that (see views.py). In that order a part's URLs stay where they
are: a statement written and published at once, and the listings whose dates every
publication moves, fall in the last part, so such a publication changes that part and the
index, not the older parts (the static mirror re-exports only those, docs/mirror.md). A draft
published long after it was made lands among older ids and shifts the parts after it.

Our translations are separate rows linked by a translation group, not one object in several
languages, so Django's ``i18n``/``alternates`` switches do not apply: ``get_urls`` builds the
``xhtml:link rel="alternate" hreflang`` list of a page of items with one query per source.
Locations are absolute on ``settings.SITE_URL``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils.translation import override

from samizdat import languages as registry
from samizdat.publishing.models import Page, Statement

from .links import (
    Alternate,
    PathFiller,
    absolute_url,
    listing_alternates,
    sort_by_language,
    version_alternates,
    with_x_default,
)

# URLs per file. The protocol allows 50,000; smaller files keep what one publication re-renders
# (one part and the index) and what a worker holds to build one file small.
SITEMAP_LIMIT = 5_000


def _latest(*dates: datetime | None) -> datetime | None:
    present = [d for d in dates if d is not None]
    return max(present) if present else None


@dataclass
class Listing:
    """Home, a section or a tag listing in one language."""

    view_name: str
    kwargs: dict
    language: str
    lastmod: datetime | None
    languages: list[str] = field(default_factory=list)  # where the same listing exists


def listings() -> list[Listing]:
    """Home pages in every language; section and tag listings where they have statements."""
    published = Statement.objects.published().order_by()
    dates = {"u": Max("updated_at"), "p": Max("published_at")}
    languages = registry.codes()
    home = {
        row["language"]: _latest(row["u"], row["p"])
        for row in published.values("language").annotate(**dates)
    }
    entries = [Listing("publishing:home", {}, code, home.get(code)) for code in languages]
    sources = (
        ("publishing:section", "section", "section__slug", published),
        ("publishing:tag", "tag", "tags__slug", published.filter(tags__isnull=False)),
    )
    for view_name, key, slug_field, queryset in sources:
        found: dict[str, dict[str, datetime | None]] = defaultdict(dict)
        for row in queryset.values("language", slug_field).annotate(**dates):
            found[row[slug_field]][row["language"]] = _latest(row["u"], row["p"])
        for slug in sorted(found):
            for code in sort_by_language(found[slug], key=lambda c: c):
                entries.append(Listing(view_name, {key: slug}, code, found[slug][code]))
    by_listing: dict[tuple, list[str]] = defaultdict(list)
    for entry in entries:
        by_listing[(entry.view_name, tuple(entry.kwargs.items()))].append(entry.language)
    for entry in entries:
        entry.languages = by_listing[(entry.view_name, tuple(entry.kwargs.items()))]
    return entries


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """What the sitemap needs of a published statement (rows, not model instances: 10x faster)."""

    pk: int
    slug: str
    language: str
    section_slug: str
    translation_group_id: int | None
    updated_at: datetime | None
    published_at: datetime | None


STATEMENT_FIELDS = (
    "pk",
    "slug",
    "language",
    "section__slug",
    "translation_group_id",
    "updated_at",
    "published_at",
)


class Rows(Sequence):
    """A ``values_list`` queryset read as a sequence of ``factory(*row)``; slices query."""

    def __init__(self, queryset: QuerySet, factory):
        self.queryset, self.factory = queryset, factory

    @cached_property
    def _count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [self.factory(*row) for row in self.queryset[key]]
        return self.factory(*self.queryset[key])


def published_statements() -> Rows:
    queryset = Statement.objects.published().order_by("pk").values_list(*STATEMENT_FIELDS)
    return Rows(queryset, StatementEntry)


def published_pages() -> QuerySet:
    return (
        Page.objects.filter(is_published=True)
        .only("pk", "slug", "language", "updated_at")
        .order_by("pk")
    )


class Chain(Sequence):
    """Several querysets and lists read as one sequence; a slice queries only what it covers."""

    def __init__(self, *parts: QuerySet | Sequence):
        self.parts = parts

    @cached_property
    def counts(self) -> list[int]:
        return [p.count() if isinstance(p, QuerySet) else len(p) for p in self.parts]

    def count(self) -> int:
        return sum(self.counts)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            found = self[key : key + 1]
            if not found:
                raise IndexError(key)
            return found[0]
        start, stop, _step = key.indices(len(self))
        items: list = []
        offset = 0
        for part, count in zip(self.parts, self.counts, strict=True):
            lo, hi = max(start - offset, 0), min(stop - offset, count)
            if lo < hi:
                items.extend(part[lo:hi])
            offset += count
        return items


def statement_path(statement: StatementEntry, paths: PathFiller) -> str:
    return paths(statement.language, section=statement.section_slug, slug=statement.slug)


def statement_alternates(
    items: list[StatementEntry], paths: PathFiller
) -> dict[int, list[Alternate]]:
    """``{pk: alternates}`` for statements, from one query over their translation groups.

    Each version's URL is built once and each group's list shared by its members."""
    groups = sorted({s.translation_group_id for s in items if s.translation_group_id})
    members: dict[int, list[StatementEntry]] = defaultdict(list)
    versions = (
        Statement.objects.published()
        .filter(translation_group_id__in=groups or [0])
        .order_by()
        .values_list(*STATEMENT_FIELDS)
    )
    for row in versions:
        version = StatementEntry(*row)
        members[version.translation_group_id].append(version)
    by_group = {
        group: with_x_default(
            [
                Alternate(v.language, absolute_url(statement_path(v, paths)))
                for v in sort_by_language(group_members)
            ]
        )
        for group, group_members in members.items()
    }
    return {s.pk: by_group.get(s.translation_group_id, []) for s in items}


def page_alternates(items: list[Page]) -> dict[int, list[Alternate]]:
    """``{pk: alternates}`` for Pages; the versions of a page share its slug."""
    slugs = sorted({p.slug for p in items})
    versions: dict[str, list[Page]] = defaultdict(list)
    for version in Page.objects.filter(is_published=True, slug__in=slugs or [""]).only(
        "pk", "slug", "language"
    ):
        versions[version.slug].append(version)
    return {page.pk: version_alternates(versions.get(page.slug, [])) for page in items}


class SiteSitemap(Sitemap):
    """Every public URL of the site, ``limit`` per file."""

    limit = SITEMAP_LIMIT

    def __init__(self) -> None:
        self.statement_paths = PathFiller("publishing:statement")

    @cached_property
    def _listings(self) -> list[Listing]:
        return listings()

    @cached_property
    def _chain(self) -> Chain:
        return Chain(published_statements(), published_pages(), self._listings)

    def items(self) -> Chain:
        return self._chain

    def location(self, item: Listing | StatementEntry | Page) -> str:
        if isinstance(item, Listing):
            with override(item.language):
                return reverse(item.view_name, kwargs=item.kwargs)
        if isinstance(item, StatementEntry):
            return statement_path(item, self.statement_paths)
        return item.get_absolute_url()

    def lastmod(self, item: Listing | StatementEntry | Page) -> datetime | None:
        if isinstance(item, StatementEntry):
            return _latest(item.updated_at, item.published_at)
        return item.lastmod if isinstance(item, Listing) else item.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        """The newest change anywhere, from the listings (statements) and two aggregates."""
        pages = Page.objects.filter(is_published=True).aggregate(u=Max("updated_at"))["u"]
        return _latest(*(entry.lastmod for entry in self._listings), pages)

    def alternates_for(self, items: list) -> list[list[Alternate]]:
        statements = statement_alternates(
            [i for i in items if isinstance(i, StatementEntry)], self.statement_paths
        )
        pages = page_alternates([i for i in items if isinstance(i, Page)])
        result = []
        for item in items:
            if isinstance(item, Listing):
                result.append(listing_alternates(item.view_name, item.kwargs, item.languages))
            elif isinstance(item, StatementEntry):
                result.append(statements[item.pk])
            else:
                result.append(pages[item.pk])
        return result

    def get_urls(self, page: int | str = 1, site=None, protocol=None) -> list[dict]:
        items = list(self.paginator.page(page).object_list)
        return [
            {
                "item": item,
                "location": absolute_url(self.location(item)),
                "lastmod": self.lastmod(item),
                "changefreq": None,
                "priority": "",
                "alternates": [{"location": a.url, "lang_code": a.language} for a in alternates],
            }
            for item, alternates in zip(items, self.alternates_for(items), strict=True)
        ]
