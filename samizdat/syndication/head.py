"""What goes in a public page's ``<head>``: canonical URL, hreflang alternates, feed links,
Open Graph and Twitter card tags, and JSON-LD ``NewsArticle`` on statement pages.

Spends no queries: a statement page has its translations, tags, section and image loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import iri_to_uri
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import override

from samizdat.publishing.models import Page, Section, Statement, Tag

from .content import FEED_KINDS, FEED_LABELS, FEED_TYPES, Scope
from .links import (
    Alternate,
    absolute_url,
    image_ref,
    language_order,
    listing_alternates,
    og_locale,
    statement_alternates,
    version_alternates,
)

DESCRIPTION_CHARS = 200
# As django.utils.html.json_script: the data block cannot close the script element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@dataclass
class FeedLink:
    type: str
    title: str
    href: str  # root-relative, so the mirror can make it page-relative


@dataclass
class Head:
    canonical: str
    title: str
    description: str
    alternates: list[Alternate] = field(default_factory=list)
    feeds: list[FeedLink] = field(default_factory=list)
    meta_properties: list[tuple[str, str]] = field(default_factory=list)  # Open Graph
    meta_names: list[tuple[str, str]] = field(default_factory=list)  # Twitter card
    json_ld: str = ""


def json_ld_script_text(data: dict) -> str:
    """JSON for a ``<script type="application/ld+json">`` element, with ``<>&`` escaped."""
    return json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_JSON_SCRIPT_ESCAPES)


def feed_links(scope: Scope) -> list[FeedLink]:
    return [
        FeedLink(FEED_TYPES[kind], f"{scope.title()} ({FEED_LABELS[kind]})", scope.feed_path(kind))
        for kind in FEED_KINDS
    ]


def _current_path(request: HttpRequest) -> str:
    """The path of this page as ``reverse()`` spells it (percent-encoded, no query string)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name:
        try:
            return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            pass
    return iri_to_uri(request.path)


def statement_description(statement: Statement) -> str:
    return describe(statement.summary or strip_tags(statement.body_html))


def describe(text: str) -> str:
    """A description meta value: whitespace collapsed, at most DESCRIPTION_CHARS."""
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_CHARS)


def news_article(
    statement: Statement,
    canonical: str,
    site: str,
    image_url: str | None,
    description: str | None = None,
) -> dict:
    """schema.org NewsArticle; the issuer is the author, the site the publisher."""
    with override(statement.language):
        home = absolute_url(reverse("publishing:home"))
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": statement.title,
        "description": statement_description(statement) if description is None else description,
        "url": canonical,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "datePublished": statement.published_at.isoformat(),
        "dateModified": max(statement.updated_at, statement.published_at).isoformat(),
        "inLanguage": statement.language,
        "articleSection": statement.section.name_in(statement.language),
        "author": {"@type": "Organization", "name": statement.issuer or site},
        "publisher": {"@type": "Organization", "name": site, "url": home},
    }
    if image_url:
        data["image"] = [image_url]
    keywords = [t.name for t in statement.tags.all()]
    if keywords:
        data["keywords"] = keywords
    return data


def page_head(
    request: HttpRequest,
    language: str,
    statement: Statement | None = None,
    section: Section | None = None,
    tag: Tag | None = None,
    page: Page | None = None,
    page_versions: list[Page] | None = None,
) -> Head:
    """The head of a home, section, tag, statement or Page (any other page: canonical, feeds).

    ``page_versions`` are the Page's other languages, as the page view has loaded them."""
    if statement is not None:
        language = statement.language
        section, tag = statement.section, None
    scope = Scope(language, section=section, tag=tag)
    site = scope.site
    feeds = feed_links(Scope(language)) + (feed_links(scope) if section or tag else [])
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    first_page = not (match and match.kwargs.get("page"))

    if statement is not None:
        canonical = absolute_url(statement.get_absolute_url())
        title = statement.title
        description = statement_description(statement)
        alternates = statement_alternates(statement)
        og_type = "article"
        image = image_ref(statement.lead_image)
    elif page is not None:
        canonical = absolute_url(page.get_absolute_url())
        title = page.title
        description = describe(strip_tags(page.body_html))
        alternates = version_alternates([page, *(page_versions or [])])
        og_type = "website"
        image = None
    else:
        canonical = absolute_url(_current_path(request))
        title = scope.title()
        description = scope.description()
        alternates = []
        if first_page and view_name in ("publishing:home", "publishing:section", "publishing:tag"):
            kwargs = {"section": section.slug} if section else {"tag": tag.slug} if tag else {}
            alternates = listing_alternates(view_name, kwargs, language_order())
        og_type = "website"
        image = None

    og = [
        ("og:type", og_type),
        ("og:site_name", site),
        ("og:title", title),
        ("og:description", description),
        ("og:url", canonical),
        ("og:locale", og_locale(language)),
    ]
    og += [
        ("og:locale:alternate", og_locale(a.language))
        for a in alternates
        if a.language not in (language, "x-default")
    ]
    twitter = [
        ("twitter:card", "summary_large_image" if image else "summary"),
        ("twitter:title", title),
        ("twitter:description", description),
    ]
    json_ld = ""
    if image is not None:
        og += [
            ("og:image", image.url),
            ("og:image:type", image.mime_type),
            ("og:image:width", str(image.width)),
            ("og:image:height", str(image.height)),
            ("og:image:alt", image.alt),
        ]
        twitter += [("twitter:image", image.url), ("twitter:image:alt", image.alt)]
    if statement is not None:
        og += [
            ("article:published_time", statement.published_at.isoformat()),
            (
                "article:modified_time",
                max(statement.updated_at, statement.published_at).isoformat(),
            ),
            ("article:section", statement.section.name_in(language)),
        ]
        og += [("article:tag", t.name) for t in statement.tags.all()]
        article = news_article(
            statement, canonical, site, image.url if image else None, description
        )
        json_ld = json_ld_script_text(article)
    return Head(canonical, title, description, alternates, feeds, og, twitter, json_ld)
