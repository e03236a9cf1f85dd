"""Comment text: invisible-character cleaning, link finding and escaped HTML rendering."""

from __future__ import annotations

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Bidi embeddings/overrides/isolates and marks that can reorder or hide what a reader sees.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
# Zero-width characters that hide text; ZWJ/ZWNJ stay in text (emoji and some scripts need them).
ZERO_WIDTH = frozenset("\u200b\u2060\ufeff\u180e\u2061\u2062\u2063\u2064")
KEEP_IN_TEXT = frozenset("\n\t\u200c\u200d")


def strip_invisible(value: str, *, multiline: bool) -> tuple[str, int]:
    """Remove control, bidi-override and zero-width characters; return (clean, how many removed).

    Line breaks are normalised to ``\\n`` first (browsers send ``\\r\\n``), and kept only in
    multi-line fields. In single-line fields every format character (category Cf) goes.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    removed = 0
    for ch in value:
        if multiline and ch in KEEP_IN_TEXT:
            out.append(ch)
            continue
        category = unicodedata.category(ch)
        if (
            category in ("Cc", "Cs", "Co", "Cn")
            or ch in BIDI_CONTROLS
            or ch in ZERO_WIDTH
            or (category == "Cf" and not multiline)
        ):
            removed += 1
            continue
        out.append(ch)
    return "".join(out), removed


# http(s) URLs, and bare "www." addresses. Trailing punctuation is not part of the link.
URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'`\u00ab\u00bb]+")
# Bare domains such as "cheap-pills.example.com/x" count as links for the spam rule.
BARE_DOMAIN_RE = re.compile(
    r"(?i)(?<![\w@./-])(?:[a-z0-9\u0430-\u044f-]+\.)+(?:[a-z]{2,24}|рф|қаз)(?:/[^\s]*)?(?![\w.-])"
)
_TRAILING = ".,;:!?)]}'\"…"


def _trim(url: str) -> str:
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def find_urls(text: str) -> list[str]:
    return [u for u in (_trim(m.group(0)) for m in URL_RE.finditer(text)) if len(u) > 4]


def count_links(text: str) -> int:
    """Links for the link-count rule: URLs plus bare domain names."""
    without_urls = URL_RE.sub(" ", text)
    return len(find_urls(text)) + len(BARE_DOMAIN_RE.findall(without_urls))


def link_hosts(text: str) -> list[str]:
    """Host names mentioned in ``text`` (from URLs and bare domains), lower case."""
    hosts = []
    for url in find_urls(text):
        rest = re.sub(r"(?i)^https?://", "", url)
        hosts.append(re.split(r"[/?#:]", rest, maxsplit=1)[0].lower())
    for m in BARE_DOMAIN_RE.finditer(URL_RE.sub(" ", text)):
        hosts.append(m.group(0).split("/", 1)[0].lower())
    return hosts


def _link(url: str) -> str:
    href = url if url.lower().startswith("http") else f"http://{url}"
    shown = url if len(url) <= 60 else url[:57] + "…"
    return f'<a href="{escape(href)}" rel="nofollow ugc noopener noreferrer">{escape(shown)}</a>'


def _render_line(line: str) -> str:
    out, pos = [], 0
    for m in URL_RE.finditer(line):
        url = _trim(m.group(0))
        if len(url) <= 4:
            continue
        out.append(escape(line[pos : m.start()]))
        out.append(_link(url))
        pos = m.start() + len(url)
    out.append(escape(line[pos:]))
    return "".join(out)


def render_comment(text: str) -> SafeString:
    """Plain text → paragraphs (blank line), ``<br>`` (single line break), autolinked URLs.

    Everything else is escaped: a comment can never inject markup.
    """
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip())]
    html = "".join(
        "<p>" + "<br>".join(_render_line(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
        if p.strip()
    )
    return mark_safe(html)  # noqa: S308 — built only from escaped pieces above
