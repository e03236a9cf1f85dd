"""Rewrite the links of rendered pages so the copy works under any path prefix and from file://.

A small tokenizer finds comments, raw-text elements (script, style, …) and tags, honouring
quoted attribute values (``title="a>b"``); only the tags that need a change are rebuilt, every
other byte of the page is kept as rendered. ``iter_references`` is the same walk for the checker.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .paths import relative_link

_ATTR_SRC = r"""(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)"""
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<!\[CDATA\[.*?\]\]>"
    r"|<[!?][^>]*>"
    r"|</[a-zA-Z][^>]*>"
    rf"|<(?P<tag>[a-zA-Z][a-zA-Z0-9:-]*)(?P<attrs>{_ATTR_SRC}*)\s*(?P<close>/?)>",
    re.S,
)
_ATTR = re.compile(r"""(\s+)([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_RAW_TEXT = {"script", "style", "textarea", "title", "xmp", "noembed", "noframes"}
# Attributes that hold one URL.
URL_ATTRS = {"href", "src", "action", "poster", "data", "formaction", "cite", "xlink:href"}
SRCSET_ATTRS = {"srcset", "imagesrcset"}
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')\s]+)\1\s*\)|@import\s+(["'])([^"']+)\3""")
_REFRESH_URL = re.compile(r"(?i)^(\s*\d+\s*[;,]\s*url\s*=\s*)(['\"]?)(.*?)\2\s*$")


@dataclass
class Tag:
    """One start tag: its name and attributes, rebuilt only when an attribute changes."""

    name: str
    text: str
    attrs: list[list] = field(default_factory=list)  # [name, value or None]
    changed: bool = False
    self_closing: bool = False

    @classmethod
    def parse(cls, m: re.Match) -> Tag:
        name, text, attrs_text = m.group("tag"), m.group(0), m.group("attrs") or ""
        attrs = []
        for attr in _ATTR.finditer(attrs_text):
            raw = attr.group(3)
            if raw is not None and raw[:1] in "\"'":
                raw = raw[1:-1]
            attrs.append([attr.group(2).lower(), None if raw is None else htmllib.unescape(raw)])
        return cls(name.lower(), text, attrs, self_closing=bool(m.group("close")))

    def get(self, name: str, default: str | None = None) -> str | None:
        for attr_name, value in self.attrs:
            if attr_name == name:
                return value
        return default

    def set(self, name: str, value: str) -> None:
        for attr in self.attrs:
            if attr[0] == name and attr[1] != value:
                attr[1] = value
                self.changed = True

    def render(self) -> str:
        if not self.changed:
            return self.text
        parts = [self.name]
        for name, value in self.attrs:
            parts.append(name if value is None else f'{name}="{htmllib.escape(value)}"')
        return "<" + " ".join(parts) + (" />" if self.self_closing else ">")


def split_srcset(value: str) -> list[tuple[str, str]]:
    """``"a.jpg 480w, b.jpg 2x"`` → ``[("a.jpg", "480w"), ("b.jpg", "2x")]`` (HTML spec rules)."""
    items, pos, n = [], 0, len(value)
    while pos < n:
        pos = re.compile(r"[\s,]*").match(value, pos).end()
        if pos >= n:
            break
        url = re.compile(r"\S+").match(value, pos).group()
        pos += len(url)
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            descriptor = re.compile(r"[^,]*").match(value, pos).group()
            pos += len(descriptor)
        items.append((url, descriptor.strip()))
    return items


def join_srcset(items: list[tuple[str, str]]) -> str:
    return ", ".join(f"{url} {descriptor}".strip() for url, descriptor in items)


def _walk(html: str, pos: int = 0) -> Iterator[tuple[int, int, re.Match | None]]:
    """Yield (start, end, match) for every token; match is None for raw text element content."""
    while True:
        m = _TOKEN.search(html, pos)
        if m is None:
            return
        yield m.start(), m.end(), m
        pos = m.end()
        tag = m.group("tag")
        if tag and tag.lower() in _RAW_TEXT and not m.group("close"):
            close = re.compile(rf"</{tag}\s*>", re.I).search(html, pos)
            end = close.start() if close else len(html)
            yield pos, end, None
            pos = end


DROP = object()


def transform(html: str, on_tag: Callable[[Tag], object]) -> str:
    """Call ``on_tag`` for every start tag; it may change the tag or return DROP (forms)."""
    out, last = [], 0
    walker = _walk(html)
    while (token := next(walker, None)) is not None:
        start, end, m = token
        if m is None or not m.group("tag"):
            continue
        tag = Tag.parse(m)
        result = on_tag(tag)
        if result is DROP:
            close = re.compile(rf"</{tag.name}\s*>", re.I).search(html, end)
            out.append(html[last:start])
            last = close.end() if close else end
            walker = _walk(html, last)  # go on after the dropped element
            continue
        if tag.changed:
            out.append(html[last:start])
            out.append(tag.render())
            last = end
    out.append(html[last:])
    return "".join(out)


def iter_references(html: str) -> Iterator[tuple[Tag, str, str]]:
    """Every (tag, attribute, URL) of a page, srcset candidates and meta refresh included."""
    for _start, _end, m in _walk(html):
        if m is None or not m.group("tag"):
            continue
        tag = Tag.parse(m)
        for name, value in tag.attrs:
            if value is None:
                continue
            if name in URL_ATTRS:
                yield tag, name, value.strip()
            elif name in SRCSET_ATTRS:
                for url, _descriptor in split_srcset(value):
                    yield tag, name, url
        if tag.name == "meta" and (tag.get("http-equiv") or "").lower() == "refresh":
            refresh = _REFRESH_URL.match(tag.get("content") or "")
            if refresh:
                yield tag, "content", refresh.group(3)


def iter_css_references(css: str) -> Iterator[str]:
    for m in _CSS_URL.finditer(css):
        yield m.group(2) or m.group(4)


@dataclass
class Rewriter:
    """Rewrites one page's root-relative links, given the export's link policy.

    ``resolve(path)`` maps a root-relative URL path to ("file", mirror file) or ("url", absolute
    URL) — see :class:`samizdat.mirror.links.LinkMap`. ``search_page(path)`` gives the offline
    search page's file for a GET form's action, or None to drop the form.
    """

    page_file: str
    resolve: Callable[[str], tuple[str, str]]
    search_page: Callable[[str], str | None]
    refs: set[str] = field(default_factory=set)
    search_forms: int = 0

    def url(self, value: str) -> str:
        stripped = value.strip()
        if not stripped.startswith("/") or stripped.startswith("//"):
            return value
        parts = urlsplit(stripped)
        kind, target = self.resolve(parts.path)
        if kind == "url":
            new = target
        else:
            self.refs.add(target)
            new = relative_link(self.page_file, target)
        if parts.query:
            new += "?" + parts.query
        if parts.fragment:
            new += "#" + parts.fragment
        return new

    def on_tag(self, tag: Tag) -> object:
        if tag.name == "form":
            method = (tag.get("method") or "get").strip().lower()
            action = (tag.get("action") or "").strip()
            target = self.search_page(action) if method == "get" else None
            if target is None:
                return DROP
            self.search_forms += 1
            tag.set("action", relative_link(self.page_file, target))
            return None
        for name, value in tag.attrs:
            if value is None:
                continue
            if name in URL_ATTRS:
                tag.set(name, self.url(value))
            elif name in SRCSET_ATTRS:
                tag.set(name, join_srcset([(self.url(u), d) for u, d in split_srcset(value)]))
        if tag.name == "meta" and (tag.get("http-equiv") or "").lower() == "refresh":
            refresh = _REFRESH_URL.match(tag.get("content") or "")
            if refresh:
                tag.set("content", refresh.group(1) + self.url(refresh.group(3)))
        return None

    def html(self, text: str) -> str:
        return transform(text, self.on_tag)

    def css(self, text: str) -> str:
        def repl(m: re.Match) -> str:
            if m.group(2):
                return f"url({m.group(1)}{self.url(m.group(2))}{m.group(1)})"
            return f"@import {m.group(3)}{self.url(m.group(4))}{m.group(3)}"

        return _CSS_URL.sub(repl, text)
