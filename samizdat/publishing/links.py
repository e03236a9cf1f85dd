"""URLs of statements, sections, tags and their feeds without a ``reverse()`` each.

Listings, feeds, sitemaps, translation links and every page's feed links ask for many URLs;
each ``reverse()`` with its ``override(language)`` cost more than the rest of the link (py-spy
on the mirror export: 4.6 % of a worker's time for statement URLs alone). :func:`url` reverses
a name once per language, script prefix, URLconf and set of arguments with placeholders, and
fills in the values quoted as ``reverse()`` quotes them.

The arguments it knows are ``section`` (a slug), ``tag`` and ``slug`` (any text without "/").
A template is used only if the URL's own converters take what these allow: when it is made, a
probe value of each kind (letters, digits, "-", "_", and for text a space and "é" too) must
reverse to the filled-in template. A value outside its kind, one containing the placeholders'
marker, an argument it does not know, or a template that failed its probe: ``reverse()``
itself, so such a URL fails, or succeeds, as it always did.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language, override

SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
TEXT = re.compile(r"[^/]+")
KINDS = {"section": SLUG, "tag": TEXT, "slug": TEXT}
PROBES = {SLUG: "Pr0be-x_9", TEXT: "Pr0be x_9-é"}
MARKER = "zq"

_templates: dict[tuple, tuple[object, str | None]] = {}


def _reverse(name: str, language: str | None, kwargs: dict) -> str:
    if language is None:
        return reverse(name, kwargs=kwargs)
    with override(language):
        return reverse(name, kwargs=kwargs)


def _fill(template: str, kwargs: dict) -> str:
    for key, value in kwargs.items():
        template = template.replace(f"{MARKER}{key}{MARKER}", quote(value, SAFE), 1)
    return template


def _template(name: str, language: str | None, keys: tuple) -> str | None:
    """The URL with placeholders, or None when its converters are stricter than ours."""
    try:
        template = _reverse(name, language, {k: f"{MARKER}{k}{MARKER}" for k in keys})
        probe = {k: PROBES[KINDS[k]] for k in keys}
        if _reverse(name, language, probe) != _fill(template, probe):
            return None
    except NoReverseMatch:
        return None
    return template


def url(name: str, language: str | None = None, **kwargs: str) -> str:
    """``reverse(name, kwargs=kwargs)`` in ``language`` (None: the active one)."""
    kwargs = {k: str(v) for k, v in kwargs.items()}
    for key, value in kwargs.items():
        kind = KINDS.get(key)
        if kind is None or not kind.fullmatch(value) or MARKER in value:
            return _reverse(name, language, kwargs)
    urlconf = get_urlconf()
    resolver = get_resolver(urlconf)
    keys = tuple(sorted(kwargs))
    key = (name, language or get_language(), keys, get_script_prefix(), urlconf)
    entry = _templates.get(key)
    if entry is None or entry[0] is not resolver:
        entry = _templates[key] = (resolver, _template(name, language, keys))
    if entry[1] is None:
        return _reverse(name, language, kwargs)
    return _fill(entry[1], kwargs)


def statement_url(language: str, section: str, slug: str) -> str:
    return url("publishing:statement", language, section=section, slug=slug)
