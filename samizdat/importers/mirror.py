"""Old WordPress addresses in the static mirror: one small page per redirect.

A static host cannot answer ``/?p=12`` or a file path, so only old addresses ending in ``/``
get a page (``2024/05/slug/index.html``) that sends the reader on with a meta refresh and a
plain link; the mirror rewrites both to the new page's file. Called by
``samizdat.mirror.export`` when this app is installed.
"""

from __future__ import annotations

from html import escape

from django.conf import settings
from django.utils.translation import override

from .models import Redirect

PAGE = (
    '<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
    '<meta name="robots" content="noindex">'
    '<meta http-equiv="refresh" content="0; url={url}">'
    '<link rel="canonical" href="{url}"><title>→ {url}</title></head>'
    '<body><p><a href="{url}">{url}</a></p></body></html>\n'
)


def redirect_pages(taken: set[str]) -> dict[str, bytes]:
    """{old path: page} for redirects whose old path is a directory and not a real page."""
    from samizdat.mirror.paths import canonical_path

    pages = {}
    rows = Redirect.objects.prefetch_related("target").order_by("pk")
    with override(settings.LANGUAGE_CODE):
        for redirect in rows.iterator(chunk_size=2000):
            path = canonical_path(redirect.old_path)
            if "?" in path or not path.endswith("/") or path == "/" or path in taken:
                continue
            url = escape(canonical_path(redirect.destination()))
            pages[path] = PAGE.format(lang=settings.LANGUAGE_CODE, url=url).encode()
    return pages
