"""Crawl an exported mirror: every link must resolve to a file in the tree, and nothing may
*load* from a third-party host.

A resource (``src``/``srcset``/``poster`` of img, script, iframe, video, audio, source …,
``<link href>`` for stylesheets, icons and preloads, CSS ``url()`` such as fonts, ``<object
data>``, a meta refresh) on another host fails the check: opening the page would tell that host
who reads it. An ordinary hyperlink (``<a href>``, a readers' comment pointing to a news site,
``<link rel=alternate>``) loads nothing until the reader follows it: it is content, counted,
and fails only with ``strict_links``. Links to the site's own URL — canonical, feeds, "comment
on the live site" — and to its onion address are allowed and counted."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

from .rewrite import iter_css_references, iter_references
from .tree import MANIFEST, MirrorError, read_manifest

HARMLESS_SCHEMES = {"mailto", "tel", "data", "sms", "xmpp", "geo"}
# <link rel=…> values whose href the browser fetches by itself.
LOADED_LINK_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "apple-touch-icon-precomposed",
    "mask-icon",
    "preload",
    "modulepreload",
    "prefetch",
    "prerender",
    "manifest",
    "dns-prefetch",
    "preconnect",
}
# Attributes that only name a place to go (or to send a form), on any element.
NAVIGATION_ATTRS = {"href", "action", "formaction", "cite"}


def is_hyperlink(tag, attr: str) -> bool:
    """True for a reference the browser follows only when the reader does (content)."""
    if attr not in NAVIGATION_ATTRS:
        return False  # src, srcset, poster, data, xlink:href, meta refresh: loaded at once
    if tag.name == "link" and attr == "href":
        rels = set((tag.get("rel") or "").lower().split())
        return not rels & LOADED_LINK_RELS
    return True


@dataclass
class Problem:
    file: str
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.url} — {self.reason}"


@dataclass
class CheckReport:
    root: Path
    pages: int = 0
    links: int = 0
    site_links: int = 0
    external_links: int = 0  # hyperlinks to other sites (content, e.g. in readers' comments)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def site_hosts(root: Path) -> set[str]:
    """The hosts that are the site itself: SITE_URL, ONION_URL and the export's base URL."""
    urls = [settings.SITE_URL, settings.ONION_URL]
    manifest = read_manifest(root)
    if manifest:
        urls.append(manifest.get("site_url", ""))
    return {urlsplit(u).hostname for u in urls if u and urlsplit(u).hostname}


class Checker:
    def __init__(self, root: Path, hosts: set[str], strict_links: bool):
        self.root = root
        self.hosts = {h.lower() for h in hosts}
        self.strict_links = strict_links
        self.files: set[str] = set()
        self.dirs: set[str] = set()
        for dirpath, dirnames, filenames in os.walk(root):
            rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
            rel = "" if rel == "." else rel + "/"
            self.dirs.update(rel + d for d in dirnames)
            self.files.update(rel + f for f in filenames)
        self.report = CheckReport(root)

    def problem(self, file: str, url: str, reason: str) -> None:
        self.report.problems.append(Problem(file, url, reason))

    def reference(self, file: str, url: str, hyperlink: bool) -> None:
        self.report.links += 1
        url = url.strip()
        if not url or url.startswith("#"):
            return
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in HARMLESS_SCHEMES:
            return
        if scheme in ("http", "https") or url.startswith("//"):
            host = (parts.hostname or "").lower()
            if host in self.hosts:
                self.report.site_links += 1
            elif hyperlink and not self.strict_links:
                self.report.external_links += 1
            else:
                kind = "link" if hyperlink else "resource"
                self.problem(file, url, f"{kind} on a third-party host ({host or '?'})")
            return
        if scheme:
            self.problem(file, url, f"unexpected “{scheme}:” URL")
            return
        if url.startswith("/"):
            self.problem(file, url, "root-relative link: breaks under a path prefix and file://")
            return
        path = unquote(parts.path)
        if not path:
            return  # "?q=…" on the page itself
        target = posixpath.normpath(posixpath.join(posixpath.dirname(file), path))
        if target == ".." or target.startswith("../"):
            self.problem(file, url, "points outside the mirror")
        elif path.endswith("/") or target in self.dirs:
            self.problem(file, url, "links to a directory: needs an explicit …/index.html")
        elif target not in self.files:
            self.problem(file, url, "broken link: no such file in the mirror")

    def run(self, progress: bool = False) -> CheckReport:
        from tqdm import tqdm

        pages = sorted(f for f in self.files if f.endswith((".html", ".htm")))
        for file in tqdm(pages, desc="Checking", unit="page", disable=not progress):
            text = (self.root / file).read_text(encoding="utf-8", errors="replace")
            self.report.pages += 1
            for tag, attr, url in iter_references(text):
                self.reference(file, url, hyperlink=is_hyperlink(tag, attr))
        for file in sorted(f for f in self.files if f.endswith(".css")):
            text = (self.root / file).read_text(encoding="utf-8", errors="replace")
            for url in iter_css_references(text):
                self.reference(file, url, hyperlink=False)
        return self.report


def check_mirror(
    root: Path | str, *, strict_links: bool = False, progress: bool = False
) -> CheckReport:
    """Report broken internal links and resources on third-party hosts in a mirror
    (``strict_links``: hyperlinks to other sites too)."""
    root = Path(root)
    if not (root / MANIFEST).is_file():
        raise MirrorError(f"{root} is not a samizdat mirror (no {MANIFEST}).")
    return Checker(root, site_hosts(root), strict_links).run(progress)
