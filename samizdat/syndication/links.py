"""Absolute URLs, site names and hreflang alternates shared by feeds, sitemaps and page heads.

Absolute URLs are ``settings.SITE_URL`` + the path ``reverse()`` gives, like the core's
``{% absolute %}`` tag; the static mirror overrides ``SITE_URL`` with its own address.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext, override

from samizdat import languages
from samizdat.publishing.models import Image, Statement

X_DEFAULT = "x-default"
# Feeds and Open Graph take one image: the largest variant up to this width.
IMAGE_MAX_WIDTH = 1600
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unencoded


@dataclass(frozen=True)
class Alternate:
    language: str  # a language code or "x-default"
    url: str  # absolute


@dataclass(frozen=True)
class ImageRef:
    url: str  # absolute
    width: int
    height: int
    mime_type: str
    path: str  # storage name, for the file size
    alt: str
    caption: str


def absolute_url(path: str) -> str:
    """``/ru/a/`` → ``https://example.org/ru/a/``; absolute URLs pass through."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


class PathFiller:
    """Paths of one URL pattern for thousands of objects (a sitemap).

    ``reverse()`` costs ~40 µs; this reverses once per language with placeholders and fills
    in values percent-encoded as ``reverse()`` encodes them. The first path of each language
    is compared with a real ``reverse()``; on any difference that language falls back to it.
    """

    def __init__(self, view_name: str):
        self.view_name = view_name
        self.templates: dict[str, str | None] = {}

    def _reverse(self, language: str, kwargs: dict) -> str:
        with override(language):
            return reverse(self.view_name, kwargs=kwargs)

    def _fill(self, template: str, kwargs: dict) -> str:
        for key, value in kwargs.items():
            template = template.replace(f"zq{key}qz", quote(str(value), safe=_PATH_SAFE))
        return template

    def __call__(self, language: str, **kwargs) -> str:
        if any(not str(v) or "/" in str(v) for v in kwargs.values()):
            return self._reverse(language, kwargs)
        if language not in self.templates:
            try:
                template = self._reverse(language, {k: f"zq{k}qz" for k in kwargs})
                real = self._reverse(language, kwargs)
            except NoReverseMatch:
                template = real = None
            if template is not None and self._fill(template, kwargs) != real:
                template = None
            self.templates[language] = template
        template = self.templates[language]
        if template is None:
            return self._reverse(language, kwargs)
        return self._fill(template, kwargs)


def language_order() -> list[str]:
    return languages.codes()


def og_locale(language: str) -> str:
    """og:locale wants language_TERRITORY (from the registry)."""
    return languages.get(language).og_locale or language


def site_name(language: str) -> str:
    """The site's name in ``language`` (SAMIZDAT_SITE_NAME_XX), as the page header shows it."""
    name = settings.SITE_NAMES.get(language)
    if name:
        return name
    with override(language):
        return gettext("samizdat")


sort_by_language = languages.sort_by_language


def default_language(codes: Iterable[str]) -> str | None:
    """The version readers get when none matches theirs: the site default, else the first."""
    ordered = languages.sort_codes(codes)
    return ordered[0] if ordered else None


def with_x_default(
    alternates: list[Alternate], x_default_url: str | None = None
) -> list[Alternate]:
    """Alternates plus ``x-default``; none at all for a page that exists in one language."""
    if len(alternates) < 2:
        return []
    if x_default_url is None:
        code = default_language(a.language for a in alternates)
        x_default_url = next(a.url for a in alternates if a.language == code)
    return [*alternates, Alternate(X_DEFAULT, x_default_url)]


def version_alternates(versions: Iterable) -> list[Alternate]:
    """Alternates of one content's language versions (objects with ``language`` and
    ``get_absolute_url()``, e.g. a statement and its translations, or a Page's versions)."""
    return with_x_default(
        [
            Alternate(v.language, absolute_url(v.get_absolute_url()))
            for v in sort_by_language(versions)
        ]
    )


def statement_alternates(statement: Statement) -> list[Alternate]:
    """Every published version of the statement (itself included) and x-default.

    Uses ``statement.translations()``, i.e. the prefetched list when the caller made one.
    """
    return version_alternates([statement, *statement.translations()])


def listing_alternates(view_name: str, kwargs: dict, languages: Iterable[str]) -> list[Alternate]:
    """The same listing (home, section, tag) in each of ``languages``.

    The home page's x-default is the site root, which redirects by Accept-Language.
    """
    alternates = []
    for code in sort_by_language(languages, key=lambda c: c):
        with override(code):
            alternates.append(Alternate(code, absolute_url(reverse(view_name, kwargs=kwargs))))
    root = absolute_url(reverse("root")) if view_name == "publishing:home" else None
    return with_x_default(alternates, root)


def statement_guid(statement: Statement) -> str:
    """A tag: URI that survives slug and title edits (RFC 4151)."""
    from urllib.parse import urlsplit

    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{statement.created_at:%Y-%m-%d}:statement:{statement.pk}"


def image_ref(image: Image | None) -> ImageRef | None:
    """The largest variant of ``image`` up to IMAGE_MAX_WIDTH, with an absolute URL."""
    if image is None or not image.file:
        return None
    from django.core.files.storage import default_storage

    variants = {int(w): p for w, p in (image.variants or {}).items() if str(w).isdigit()}
    fitting = [w for w in variants if w <= IMAGE_MAX_WIDTH]
    if fitting:
        width = max(fitting)
        path = variants[width]
    elif variants:
        width = min(variants)
        path = variants[width]
    else:
        width, path = image.width, image.file.name
    height = round(image.height * width / image.width) if image.width else image.height
    mime_type = mimetypes.guess_type(path)[0] or "image/jpeg"
    return ImageRef(
        url=absolute_url(default_storage.url(path)),
        width=width,
        height=height,
        mime_type=mime_type,
        path=path,
        alt=image.alt,
        caption=image.caption,
    )


def file_size(path: str) -> int:
    """Bytes of a stored file, 0 when it is missing (an RSS enclosure needs some length)."""
    from django.core.files.storage import default_storage

    try:
        return default_storage.size(path)
    except (OSError, NotImplementedError):
        return 0
