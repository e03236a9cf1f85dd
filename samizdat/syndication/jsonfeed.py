"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) from the same items as Atom and RSS."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse

from samizdat import languages

from .content import Scope, make_item, resolve_scope
from .links import absolute_url

VERSION = "https://jsonfeed.org/version/1.1"
CONTENT_TYPE = "application/feed+json; charset=utf-8"


def build_json_feed(scope: Scope) -> dict:
    """The feed as a dict; ``_samizdat`` carries the issuer and the other language versions."""
    home = absolute_url(scope.listing_path())
    items = []
    for item in (make_item(s) for s in scope.statements()):
        s = item.statement
        entry = {
            "id": item.guid,
            "url": item.url,
            "title": s.title,
            "content_html": item.content_html(),
            "date_published": s.published_at.isoformat(),
            "date_modified": item.updated.isoformat(),
            "language": s.language,
        }
        if s.summary:
            entry["summary"] = s.summary
        if item.image:
            entry["image"] = item.image.url
        if s.issuer:
            entry["authors"] = [{"name": s.issuer}]
        if item.tags:
            entry["tags"] = item.tags
        entry["_samizdat"] = {
            "issuer": s.issuer,
            "section": s.section.name_in(s.language),
            "translations": [
                {"language": code, "url": url, "title": title}
                for code, url, title in item.translations
            ],
        }
        items.append(entry)
    return {
        "version": VERSION,
        "title": scope.title(),
        "home_page_url": home,
        "feed_url": absolute_url(scope.feed_path("json")),
        "description": scope.description(),
        "language": scope.language,
        "authors": [
            {"name": scope.site, "url": absolute_url(Scope(scope.language).listing_path())}
        ],
        "items": items,
    }


def json_feed(request: HttpRequest, section: str | None = None, tag: str | None = None):
    scope = resolve_scope(languages.current(), section=section, tag=tag)
    body = json.dumps(build_json_feed(scope), ensure_ascii=False, indent=1)
    return HttpResponse(body.encode("utf-8"), content_type=CONTENT_TYPE)
