"""Snippets: pick the passages that match, mark the words, and render them safely.

Backends return text with ``MARK_START``/``MARK_STOP`` around matched words; only
``render_snippet`` turns that into HTML: it escapes everything first, then swaps the markers
for <mark>, so statement text can never inject markup.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .analysis import MARK_START, MARK_STOP, WORD_RE, ParsedQuery, clean_text, lexeme

FRAGMENT_WORDS = 30
MAX_FRAGMENTS = 2
ELLIPSIS = "…"


def render_snippet(marked: str) -> SafeString:
    html = escape(" ".join(marked.split()))
    html = html.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own tags added


def _matches(text: str, query: ParsedQuery, language: str) -> list[tuple[int, int, bool]]:
    """(start, end, matched) for every word in ``text``."""
    out, seen = [], {}
    for m in WORD_RE.finditer(text):
        word = m.group().lower()
        hit = seen.get(word)
        if hit is None:
            lx = lexeme(word, language)
            hit = seen[word] = lx is not None and query.matches(lx)
        out.append((m.start(), m.end(), hit))
    return out


def mark_all(text: str, query: ParsedQuery, language: str) -> str:
    """The whole text with every matching word marked (titles)."""
    text = clean_text(text)
    parts, pos = [], 0
    for start, end, hit in _matches(text, query, language):
        if hit:
            parts += [text[pos:start], MARK_START, text[start:end], MARK_STOP]
            pos = end
    return "".join(parts) + text[pos:]


def make_snippet(text: str, query: ParsedQuery, language: str) -> str:
    """Up to two passages of about 30 words around the densest matches, with words marked."""
    text = " ".join(clean_text(text).split())
    spans = _matches(text, query, language)
    if not spans:
        return ""
    hits = [i for i, (_, _, hit) in enumerate(spans) if hit]
    windows: list[tuple[int, int]] = []
    if not hits:
        windows = [(0, min(FRAGMENT_WORDS, len(spans)))]
    else:
        lead = FRAGMENT_WORDS // 6
        candidates = []
        for i in hits:
            lo = max(0, i - lead)
            hi = min(len(spans), lo + FRAGMENT_WORDS)
            score = sum(1 for j in hits if lo <= j < hi)
            candidates.append((-score, lo, hi))
        for _, lo, hi in sorted(candidates):
            if all(hi <= a or lo >= b for a, b in windows):
                windows.append((lo, hi))
            if len(windows) == MAX_FRAGMENTS:
                break
        windows.sort()
    fragments = []
    for lo, hi in windows:
        start = spans[lo][0] if lo else 0
        end = spans[hi][0] if hi < len(spans) else len(text)
        piece, pos = [], start
        for s, e, hit in spans[lo:hi]:
            if hit:
                piece += [text[pos:s], MARK_START, text[s:e], MARK_STOP]
                pos = e
        piece.append(text[pos:end])
        fragments.append("".join(piece).strip())
    snippet = f" {ELLIPSIS} ".join(fragments)
    if windows[0][0] > 0:
        snippet = f"{ELLIPSIS} {snippet}"
    if windows[-1][1] < len(spans):
        snippet = f"{snippet} {ELLIPSIS}"
    return snippet
