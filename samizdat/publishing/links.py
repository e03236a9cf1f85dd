"""A statement's URL without a ``reverse()`` each.

Listings, feeds, sitemaps and translation links ask for many statement URLs; each
``reverse()`` with its ``override(language)`` cost more than the rest of the link (py-spy on
the mirror export: 4.6 % of a worker's time). The URL is reversed once per language, script
prefix and URLconf with placeholders, and filled in with the values quoted as ``reverse()``
quotes them. A value the URL's converters would refuse (or that contains the placeholders'
marker) goes through ``reverse()`` itself, so it fails, or succeeds, as it always did.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import override

SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted
SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # the URL's converters: <slug:section>/<str:slug>/
STR = re.compile(r"[^/]+")
SECTION_HOLDER, SLUG_HOLDER = "zqsectionqz", "zqslugqz"

_templates: dict[tuple, tuple[object, str]] = {}


def _reverse(language: str, section: str, slug: str) -> str:
    with override(language):
        return reverse("publishing:statement", kwargs={"section": section, "slug": slug})


def statement_url(language: str, section: str, slug: str) -> str:
    if not (SLUG.fullmatch(section) and STR.fullmatch(slug)) or "zq" in section + slug:
        return _reverse(language, section, slug)
    urlconf = get_urlconf()
    resolver = get_resolver(urlconf)
    key = (language, get_script_prefix(), urlconf)
    entry = _templates.get(key)
    if entry is None or entry[0] is not resolver:
        entry = _templates[key] = (resolver, _reverse(language, SECTION_HOLDER, SLUG_HOLDER))
    return entry[1].replace(SECTION_HOLDER, section, 1).replace(SLUG_HOLDER, quote(slug, SAFE), 1)
