"""Where a root-relative link of the live site points to in the mirror."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

from .paths import canonical_path, parent_paths, url_file
from .plan import LIVE_ONLY_NAMESPACES


def path_prefix(url: str) -> str:
    """STATIC_URL / MEDIA_URL as a root-relative path prefix ("" when on another host)."""
    if not url or urlsplit(url).netloc:
        return ""
    return canonical_path("/" + url.lstrip("/"))


class LinkMap:
    """The link policy of one export.

    - ``/static/…`` and ``/media/…`` are files copied into the mirror at the same path;
    - an exported URL becomes its file (``…/index.html``);
    - a URL of a live-only part (admin, comment posting, server search) goes to the live site;
    - any other URL that is not in the mirror (a page with no version in that language, a
      listing page beyond the end) goes to its nearest exported parent, as the live site's
      language switcher does for missing translations.
    """

    def __init__(self, exported: set[str], site_url: str, languages: list[str]):
        self.exported = exported
        self.site_url = site_url.rstrip("/")
        self.static_prefix = path_prefix(settings.STATIC_URL)
        self.media_prefix = path_prefix(settings.MEDIA_URL)
        self.asset_prefixes = [p for p in (self.static_prefix, self.media_prefix) if p]
        alternatives = "|".join(map(re.escape, languages))
        self.search_re = re.compile(rf"^/({alternatives})/search/")
        self.fallbacks: dict[str, str] = {}

    def is_asset(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.asset_prefixes)

    def live_only(self, path: str) -> bool:
        try:
            match = resolve(path)
        except Resolver404:
            return False
        return bool(match.namespaces) and match.namespaces[0] in LIVE_ONLY_NAMESPACES

    def resolve(self, path: str) -> tuple[str, str]:
        path = canonical_path(path or "/")
        if self.is_asset(path):
            return "file", path.lstrip("/")
        if path in self.exported or path == "/":
            return "file", url_file(path)
        if self.live_only(path):
            return "url", self.site_url + path
        for parent in parent_paths(path):
            if parent in self.exported or parent == "/":
                self.fallbacks[path] = parent
                return "file", url_file(parent)
        return "file", "index.html"  # not reached: "/" is always a parent

    def search_page(self, action: str) -> str | None:
        """The offline search page that replaces a GET form's action, if it is a search form.

        The action may be root-relative or absolute on the site's own host (the live search).
        """
        parts = urlsplit(action.strip())
        if parts.netloc and parts.hostname != urlsplit(self.site_url).hostname:
            return None
        m = self.search_re.match(canonical_path(parts.path))
        return url_file(f"/{m.group(1)}/search/") if m else None
