"""What the mirror contains, and what each file depends on.

Routes come from the URLconf: every named pattern outside the live-only namespaces whose
parameters the mirror knows how to fill (none, ``section``, ``tag``, ``section``+``slug`` for a
statement, ``slug`` for a Page, and the listings' ``page`` numbers). So when another app adds
e.g. a per-section feed or ``<section>/<slug>/statement.txt``, the mirror picks it up.

Each output URL gets a *fingerprint* computed from the data alone (no rendering):

- a statement's own URLs: the statement's row, tags and image (its *content* fingerprint), the
  rows of other models pointing at it (comments, signatures) and its translations' content;
- an archive page (numbered from the oldest): the content of the statements on it and
  whether it is the newest archive page;
- a *scope* URL — without parameters under a language (home, feeds), or with only a section or
  a tag (first listing page, section and tag feeds): the scope's members in order, plus the
  content of the statements the previous rendering linked to (export.py finds them in the
  output). Editing a statement that is not on the home page or in a feed leaves them alone;
- the root URLs (sitemap): the content of everything.

A URL is re-rendered only when its fingerprint differs from the one in the previous manifest.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Count, Max, Q, TextField
from django.db.models.functions import Cast
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils.translation import override

from samizdat import languages as registry
from samizdat.publishing.archive import archive_pages
from samizdat.publishing.models import Image, Page, Section, Statement, Tag

from .paths import canonical_path, is_safe_rel, url_file

# Parts of the site that only work live (posting, moderation, server-side search): never
# exported; links to them point to the live site.
LIVE_ONLY_NAMESPACES = {"admin", "discussion", "search"}
# Statement routes with parameters beyond section+slug (history's ``v/<n>/statement.txt``):
# route name → callable() → {statement pk: [{param: value}, …]}; apps add theirs in ready().
# Those files never change once made, so their fingerprint is the values alone.
STATEMENT_ROUTE_PARAMS: dict[str, object] = {}
# Section+slug routes that exist for some statements only (authenticity's statement.txt.minisig):
# route name → callable() → the pks of the statements that have one. Without it the export
# would render (and drop) a 404 for every other statement.
STATEMENT_ROUTE_ONLY: dict[str, object] = {}


def digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=10).hexdigest()


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    namespace: str
    params: frozenset[str]
    i18n: bool


def _pattern_params(pattern: object) -> set[str]:
    if isinstance(pattern, RoutePattern):
        return set(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return set(pattern.regex.groupindex)
    return set()


def discover_routes() -> list[Route]:
    """Named URL patterns of the URLconf, with their parameters and whether they are i18n."""
    found: dict[tuple, Route] = {}

    def walk(patterns: Iterable, namespaces: list[str], params: set[str], i18n: bool) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(
                    p.url_patterns,
                    namespaces + [p.namespace] if p.namespace else namespaces,
                    params | _pattern_params(p.pattern),
                    i18n or isinstance(p.pattern, LocalePrefixPattern),
                )
            elif p.name and (not namespaces or namespaces[0] not in LIVE_ONLY_NAMESPACES):
                name = ":".join([*namespaces, p.name])
                all_params = frozenset(params | _pattern_params(p.pattern))
                ns = namespaces[0] if namespaces else ""
                found.setdefault((name, all_params), Route(name, ns, all_params, i18n))

    walk(get_resolver().url_patterns, [], set(), False)
    return list(found.values())


@dataclass
class StatementRow:
    pk: int
    language: str
    section_id: int
    slug: str
    group: int | None
    fp: str  # content: what listings, feeds and the sitemap show
    position: str  # publication time: the order of lists
    related: object = None  # comments, signatures …: only the statement's own pages show them
    tag_ids: list[int] = field(default_factory=list)


@dataclass
class Snapshot:
    """The published data the mirror is made of, read in a handful of queries."""

    statements: dict[int, StatementRow]
    order: list[int]  # listing order: newest first
    sections: dict[int, str]  # pk → slug
    tags: dict[int, str]  # pk → slug, only tags some published statement carries
    pages: list[tuple[str, str, str]]  # (language, slug, fingerprint)

    def in_language(self, language: str) -> list[StatementRow]:
        return [s for pk in self.order if (s := self.statements[pk]).language == language]


def _state_aggregates(model: type[models.Model]) -> dict:
    """Aggregates that change when rows are added, removed, re-dated or change state."""
    aggregates = {"mirror_count": Count("pk"), "mirror_max_pk": Max("pk")}
    for field_ in model._meta.concrete_fields:
        name = field_.name
        if isinstance(field_, models.DateTimeField):
            aggregates[f"mirror_max_{name}"] = Max(name)
        elif isinstance(field_, models.BooleanField):
            aggregates[f"mirror_true_{name}"] = Count("pk", filter=Q(**{name: True}))
        elif field_.choices and not field_.is_relation:
            for i, (value, _label) in enumerate(field_.flatchoices):
                aggregates[f"mirror_{name}_{i}"] = Count("pk", filter=Q(**{name: value}))
    return aggregates


def related_stamps() -> dict[int, tuple]:
    """Per statement, a stamp of the rows of other models pointing at it (comments, signatures).

    Count, highest id, latest dates and how many rows are in each state (boolean and choice
    fields) per such model: a new, removed, moderated or closed row changes the statement's
    fingerprint, without the mirror knowing the other app's models.
    """
    stamps: dict[int, list] = defaultdict(list)
    for model in apps.get_models():
        if model is Statement or model._meta.auto_created:
            continue
        for fk in model._meta.concrete_fields:
            if not fk.is_relation or fk.related_model is not Statement:
                continue
            rows = (
                model._base_manager.exclude(**{fk.attname: None})
                .values(fk.attname)
                .annotate(**_state_aggregates(model))
                .order_by()
            )
            for row in rows:
                key = row.pop(fk.attname)
                stamps[key].append((model._meta.label, fk.name, sorted(row.items())))
    return {pk: tuple(v) for pk, v in stamps.items()}


def take_snapshot() -> Snapshot:
    rows = list(
        Statement.objects.published()
        .order_by("-published_at", "-pk")
        # Dates as the database's text: a stamp needs no datetime objects (10,000 rows).
        .annotate(updated_text=Cast("updated_at", TextField()))
        .annotate(published_text=Cast("published_at", TextField()))
        .values_list(
            "pk",
            "language",
            "section_id",
            "slug",
            "updated_text",
            "published_text",
            "translation_group_id",
            "lead_image_id",
        )
    )
    published = {row[0] for row in rows}
    tag_labels = {
        pk: (slug, name) for pk, slug, name in Tag.objects.values_list("pk", "slug", "name")
    }
    statement_tags: dict[int, list[int]] = defaultdict(list)
    for statement_id, tag_id in Statement.tags.through.objects.values_list(
        "statement_id", "tag_id"
    ).order_by("statement_id", "tag_id"):
        if statement_id in published:
            statement_tags[statement_id].append(tag_id)
    image_ids = {row[7] for row in rows if row[7]}
    images = {
        pk: digest(rest)
        for pk, *rest in Image.objects.filter(pk__in=image_ids).values_list(
            "pk", "file", "variants", "alt", "caption", "width", "height"
        )
    }
    related = related_stamps()
    statements = {}
    for pk, language, section_id, slug, updated, published_at, group, image_id in rows:
        tag_ids = statement_tags.get(pk, [])
        fp = digest(
            pk,
            language,
            section_id,
            slug,
            updated,
            published_at,
            group,
            images.get(image_id),
            [tag_labels[t] for t in tag_ids],
        )
        statements[pk] = StatementRow(
            pk, language, section_id, slug, group, fp, published_at, related.get(pk), tag_ids
        )
    used_tags = {t for row in statements.values() for t in row.tag_ids}
    page_rows = list(
        Page.objects.filter(is_published=True).values_list(
            "language", "slug", "title", "updated_at"
        )
    )
    pages = []
    for language, slug, title, updated in page_rows:
        versions = sorted((lang, t) for lang, s, t, _u in page_rows if s == slug)
        pages.append((language, slug, digest(title, updated.isoformat(), versions)))
    return Snapshot(
        statements=statements,
        order=[row[0] for row in rows],
        sections=dict(Section.objects.values_list("pk", "slug")),
        tags={pk: tag_labels[pk][0] for pk in sorted(used_tags)},
        pages=pages,
    )


class UrlMaker:
    """``reverse()`` for thousands of statements: reverse once with placeholders, then fill in.

    The first filled-in URL is compared with a real ``reverse()``; on any difference (an unusual
    converter) every URL is reversed for real.
    """

    def __init__(self, name: str, params: Iterable[str]):
        self.name = name
        params = sorted(params)
        self.template, self.holders = None, {}
        # Letters first; digits for an ``int`` converter (the listings' ``page``), which
        # refuses letters — without that every archive page was a real reverse().
        for holders in (
            {p: f"zq{p}qz" for p in params},
            {p: f"97{i:02d}" for i, p in enumerate(params)},
        ):
            try:
                self.template = reverse(name, kwargs=holders)
            except Exception:  # a converter that refuses the placeholder
                continue
            self.holders = holders
            break
        self.verified = False

    def __call__(self, **kwargs: object) -> str | None:
        url, holders = self.template, self.holders.values()
        if url is None:
            return self._reverse({k: str(v) for k, v in kwargs.items()})
        for key, value in kwargs.items():
            value, holder = str(value), self.holders[key]
            if not value or "/" in value or "zq" in value or any(h in value for h in holders):
                return self._reverse({k: str(v) for k, v in kwargs.items()})
            url = url.replace(holder, value)
        url = canonical_path(url)
        if not self.verified:
            real = self._reverse({k: str(v) for k, v in kwargs.items()})
            if real != url:
                self.template = None
                return real
            self.verified = True
        return url

    def _reverse(self, values: dict) -> str | None:
        try:
            return canonical_path(reverse(self.name, kwargs=values))
        except Exception:  # NoReverseMatch or a converter rejecting the value
            return None


@dataclass
class Spec:
    url: str
    fp: str
    kind: str = "view"  # "view": rendered through the URLconf; others see export.py
    language: str | None = None
    rel: str = ""  # the mirror file
    scope: bool = False  # fp covers the members only; add the linked statements' content

    def __post_init__(self) -> None:
        self.rel = self.rel or url_file(self.url)


def listing_fps(rows: list[StatementRow], per_page: int) -> tuple[str, list[str]]:
    """(members of the whole list in order, fingerprint of each archive page).

    Archive pages are numbered from the oldest (samizdat/publishing/archive.py): page N holds
    the same statements whatever is published later, so its fingerprint is only their content
    and whether it is the newest archive page (whose "Newer" link is the listing itself).
    """
    oldest_first = [r.fp for r in reversed(rows)]
    pages = archive_pages(len(rows), per_page)
    return digest([(r.pk, r.position) for r in rows]), [
        digest(oldest_first[(n - 1) * per_page : n * per_page], n == pages)
        for n in range(1, pages + 1)
    ]


@dataclass
class Plan:
    specs: dict[str, Spec]
    unsupported: list[Route]
    content: dict[int, str]  # statement pk → content fingerprint
    statement_paths: dict[str, int]  # statement page URL path → pk
    language_fps: dict[str, str]  # language → content of all its statements and pages

    def scope_fp(self, spec: Spec, linked: Iterable[int]) -> str:
        """A scope URL's fingerprint, given the statements its rendering links to."""
        if not spec.scope:
            return spec.fp
        return digest(spec.fp, [self.content.get(pk) for pk in linked])

    def linked_statements(self, text: str) -> list[int]:
        """The statements a rendered page or feed links to (root-relative or absolute URLs)."""
        found = set()
        for m in self._statement_path.finditer(text):
            pk = self.statement_paths.get(canonical_path(m.group(0)))
            if pk is not None:
                found.add(pk)
        return sorted(found)

    @cached_property
    def _statement_path(self) -> re.Pattern:
        codes = "|".join(re.escape(code) for code in registry.codes())
        return re.compile(rf"/(?:{codes})/[^/\s\"'<>#?\\]+/[^/\s\"'<>#?\\]+/")


def split_sitemap_parts() -> tuple[int, int]:
    """(how many ``sitemap-N.xml`` files the site has, URLs per file): no files (0) until the
    sitemap is split."""
    try:
        from samizdat.syndication.sitemaps import SiteSitemap
    except ImportError:
        return 0, 0
    sitemap = SiteSitemap()
    pages = sitemap.paginator.num_pages
    return (pages if pages > 1 else 0), sitemap.limit


def sitemap_part_fps(
    statement_fps: list[str],
    pages_fp: str,
    page_count: int,
    parts: int,
    limit: int,
    rest: str,
    common: object = None,
) -> list[str]:
    """The content of each ``sitemap-N.xml``: the sitemap lists the statements in id order,
    then the Pages, then the listings (samizdat.syndication.sitemaps), ``limit`` a file. A
    part is the fingerprints of the statements it holds, plus the Pages' if it holds one, plus
    ``rest`` (everything) if it holds a listing, whose dates any publication moves, plus
    ``common`` (what every URL is made of)."""
    count = len(statement_fps)
    out = []
    for n in range(1, parts + 1):
        start, stop = (n - 1) * limit, n * limit
        out.append(
            digest(
                n,
                common,
                statement_fps[start:stop],
                pages_fp if start < count + page_count and stop > count else None,
                rest if stop > count + page_count else None,
            )
        )
    return out


def plan(snapshot: Snapshot, routes: list[Route], languages: list[str]) -> Plan:
    """All view URLs with their fingerprints, and the routes the mirror could not fill in."""
    per_page = settings.STATEMENTS_PER_PAGE
    specs: dict[str, Spec] = {}
    skipped: list[Route] = []

    def add(url: str | None, fp: str, language: str | None, scope: bool = False) -> None:
        if url and url != "/" and url not in specs:
            rel = url_file(url)
            if is_safe_rel(rel):
                specs[url] = Spec(url, fp, "view", language, rel, scope)

    by_lang = {lang: snapshot.in_language(lang) for lang in languages}
    lang_fp = {
        lang: digest([r.fp for r in rows], [p for p in snapshot.pages if p[0] == lang])
        for lang, rows in by_lang.items()
    }
    lang_members = {
        lang: digest(
            [(r.pk, r.position) for r in rows], [p for p in snapshot.pages if p[0] == lang]
        )
        for lang, rows in by_lang.items()
    }
    sitemap_parts, sitemap_limit = split_sitemap_parts()
    all_fp = digest(sorted(lang_fp.items()), sitemap_parts)
    translations: dict[int, list[str]] = defaultdict(list)
    for row in snapshot.statements.values():
        if row.group is not None:
            translations[row.group].append(row.fp)
    # A statement's sitemap entry: its URL and dates, and its translations' URLs (with the
    # sections' slugs: the rows name sections by id).
    part_fps = sitemap_part_fps(
        [
            digest(r.fp, sorted(translations[r.group]) if r.group else None)
            for _pk, r in sorted(snapshot.statements.items())
        ],
        digest(sorted(snapshot.pages)),
        len(snapshot.pages),
        sitemap_parts,
        sitemap_limit,
        all_fp,
        common=sorted(snapshot.sections.items()),
    )
    # A statement's own pages show its comments etc. and its translations' titles and links.
    statement_fp = {
        r.pk: digest(r.fp, r.related, sorted(translations[r.group]) if r.group else None)
        for r in snapshot.statements.values()
    }
    # (language, "section" | "tag", pk) → (members in order, per-page fingerprints)
    listings: dict[tuple, tuple[str, list[str]]] = {}
    for lang, rows in by_lang.items():
        groups: dict[tuple, list[StatementRow]] = defaultdict(list)
        for r in rows:
            groups[("section", r.section_id)].append(r)
            for t in r.tag_ids:
                groups[("tag", t)].append(r)
        for pk in snapshot.sections:
            listings[(lang, "section", pk)] = listing_fps(groups[("section", pk)], per_page)
        for pk in snapshot.tags:
            listings[(lang, "tag", pk)] = listing_fps(groups[("tag", pk)], per_page)
    statement_paths: dict[str, int] = {}
    # The apps' per-route callables (below) query the database: once per export, not per language.
    route_only = {name: only() for name, only in STATEMENT_ROUTE_ONLY.items()}
    route_params = {name: values() for name, values in STATEMENT_ROUTE_PARAMS.items()}

    for route in routes:
        params = route.params
        publishing = route.namespace == "publishing"
        if not route.i18n:
            if not params:
                add(UrlMaker(route.name, ())(), all_fp, None)
            elif params == {"page"} and route.name == "syndication_root:sitemap-page":
                make = UrlMaker(route.name, params)
                for n in range(1, sitemap_parts + 1):
                    add(make(page=n), part_fps[n - 1], None)
            else:
                skipped.append(route)
            continue
        for lang in languages:
            rows = by_lang[lang]
            with override(lang):
                make = UrlMaker(route.name, params)
                if not params:
                    add(make(), lang_members[lang], lang, scope=True)
                elif params - {"page"} in ({"section"}, {"tag"}) and (
                    publishing or "page" not in params
                ):
                    kind = "section" if "section" in params else "tag"
                    names = snapshot.sections if kind == "section" else snapshot.tags
                    for pk, slug in names.items():
                        members, pages = listings[(lang, kind, pk)]
                        if "page" not in params:
                            add(make(**{kind: slug}), members, lang, scope=True)
                            continue
                        for n in range(1, len(pages) + 1):
                            add(make(**{kind: slug, "page": n}), pages[n - 1], lang)
                elif params == {"section", "slug"}:
                    sections = snapshot.sections
                    having = route_only.get(route.name)
                    for r in rows:
                        if having is not None and r.pk not in having:
                            continue
                        url = make(section=sections[r.section_id], slug=r.slug)
                        add(url, statement_fp[r.pk], lang)
                        if url and route.name == "publishing:statement":
                            statement_paths[url] = r.pk
                elif route.name in route_params and params > {"section", "slug"}:
                    values = route_params[route.name]
                    for r in rows:
                        for extra in values.get(r.pk, ()):
                            url = make(
                                section=snapshot.sections[r.section_id], slug=r.slug, **extra
                            )
                            add(url, digest(route.name, r.pk, sorted(extra.items())), lang)
                elif params == {"slug"} and publishing:
                    for page_lang, slug, fp in snapshot.pages:
                        if page_lang == lang:
                            add(make(slug=slug), fp, lang)
                else:
                    skipped.append(route)
                    break
    content = {pk: r.fp for pk, r in snapshot.statements.items()}
    return Plan(specs, skipped, content, statement_paths, lang_fp)
