"""Atom and RSS 2.0 feeds: one base class on Django's syndication framework, two tiny subclasses.

Items carry the full text (``content.Item.content_html``), the lead image as an enclosure
with an absolute URL, the issuer as author, tags as categories, and the other language
versions as a list of links in the text and as ``<link rel="related" hreflang="…">``
(``atom:link`` in RSS).
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape

from samizdat import languages

from .content import Item, Scope, make_item, resolve_scope
from .links import absolute_url, file_size


def _translation_links(handler, item: dict, element: str) -> None:
    """``rel="related"``, not "alternate": readers take the first (SimplePie, Miniflux) or the
    last (feedparser) alternate link as the entry's own, so a second one would steal it."""
    for code, url, title in item.get("translations", ()):
        attrs = {
            "rel": "related",
            "type": "text/html",
            "hreflang": code,
            "href": url,
            "title": title,
        }
        handler.addQuickElement(element, "", attrs)


class FullTextAtom(Atom1Feed):
    """Atom with ``<summary>`` from the statement summary and ``<content>`` with the full text."""

    def add_item_elements(self, handler, item: dict) -> None:
        summary = item.get("summary_text")
        super().add_item_elements(handler, {**item, "description": escape(summary) or None})
        handler.addQuickElement("content", item["content_html"], {"type": "html"})
        _translation_links(handler, item, "link")


class FullTextRss(Rss201rev2Feed):
    """RSS 2.0 with the full text in ``<description>``."""

    def add_item_elements(self, handler, item: dict) -> None:
        super().add_item_elements(handler, {**item, "description": item["content_html"]})
        _translation_links(handler, item, "atom:link")


# Other apps' extra item categories: callables(statements) → {statement pk: [label, …]},
# called once per feed (one query each, not one per item); apps append in ready().
CATEGORY_PROVIDERS: list = []


class StatementFeed(Feed):
    """Published statements of one scope (language, section or tag), newest first."""

    kind = "atom"
    feed_type = FullTextAtom
    item_guid_is_permalink = False

    def get_object(
        self, request: HttpRequest, section: str | None = None, tag: str | None = None
    ) -> Scope:
        return resolve_scope(languages.current(), section=section, tag=tag)

    def title(self, scope: Scope) -> str:
        return scope.title()

    def link(self, scope: Scope) -> str:
        return absolute_url(scope.listing_path())

    def feed_url(self, scope: Scope) -> str:
        return absolute_url(scope.feed_path(self.kind))

    def description(self, scope: Scope) -> str:
        return scope.description()

    subtitle = description

    def author_name(self, scope: Scope) -> str:
        return scope.site

    def items(self, scope: Scope) -> list[Item]:
        items = [make_item(statement) for statement in scope.statements()]
        for provider in CATEGORY_PROVIDERS:  # e.g. history: "outdated translation"
            extra = provider([item.statement for item in items])
            for item in items:
                item.tags = item.tags + extra.get(item.statement.pk, [])
        return items

    def item_title(self, item: Item) -> str:
        return item.statement.title

    def item_description(self, item: Item) -> None:
        return None  # the generators above put the text where each format wants it

    def item_link(self, item: Item) -> str:
        return item.url

    def item_guid(self, item: Item) -> str:
        return item.guid

    def item_pubdate(self, item: Item):
        return item.statement.published_at

    def item_updateddate(self, item: Item):
        return item.updated

    def item_author_name(self, item: Item) -> str | None:
        return item.statement.issuer or None

    def item_categories(self, item: Item) -> list[str]:
        return item.tags

    def item_enclosures(self, item: Item) -> list[Enclosure]:
        if item.image is None:
            return []
        size = str(file_size(item.image.path))
        return [Enclosure(item.image.url, size, item.image.mime_type)]

    def item_extra_kwargs(self, item: Item) -> dict:
        return {
            "content_html": item.content_html(),
            "summary_text": item.statement.summary,
            "translations": item.translations,
        }


class AtomFeed(StatementFeed):
    kind = "atom"
    feed_type = FullTextAtom


class RssFeed(StatementFeed):
    kind = "rss"
    feed_type = FullTextRss
