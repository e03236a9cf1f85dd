"""The offline search index: a classic script that sets ``window.SAMIZDAT_INDEX``.

``file://`` pages cannot fetch JSON, import modules or run WebAssembly, but they can load a
``<script src>``. The index is an inverted index: a sorted list of normalised words and, for
each, the documents containing it as a delta-encoded list of numbers. search.js finds words by
prefix (binary search), so "заявления" also finds "заявление".

Normalisation (the same in search.js): Unicode NFC, lower case, "ё" → "е"; words are runs of
letters and digits.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import defaultdict
from itertools import pairwise

from django.utils import timezone
from django.utils.translation import override

from samizdat.publishing.models import Page, Statement, section_name

from .paths import url_file
from .plan import UrlMaker

WORD = re.compile(r"[^\W_]+")
TAG = re.compile(r"<[^>]*>")
SNIPPET_CHARS = 200


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower().replace("ё", "е")


def words(text: str) -> set[str]:
    """The distinct words of a text (single letters included; the index leaves them out)."""
    return set(WORD.findall(normalise(text)))


def indexable(word: str) -> bool:
    return len(word) > 1 or word.isdigit()


def plain_text(markup: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", markup)).split())


def snippet(summary: str, body_text: str) -> str:
    text = summary.strip() or body_text
    if len(text) <= SNIPPET_CHARS:
        return text
    return text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"


def build_index(language: str, page_file: str) -> dict:
    """The index of one language's statements and pages, links relative to ``page_file``."""
    docs: list[list] = []
    postings: dict[str, list[int]] = defaultdict(list)
    tags: dict[int, list[str]] = defaultdict(list)
    for statement_id, name in Statement.tags.through.objects.filter(
        statement__language=language
    ).values_list("statement_id", "tag__name"):
        tags[statement_id].append(name)
    rows = (
        Statement.objects.published()
        .in_language(language)
        .order_by("-published_at", "-pk")
        .values_list(
            "pk",
            "slug",
            "title",
            "summary",
            "body_html",
            "issuer",
            "published_at",
            "section__slug",
            "section__names",
        )
    )
    with override(language):
        make_url = UrlMaker("publishing:statement", ("section", "slug"))
        for pk, slug, title, summary, body, issuer, published, sec, sec_names in rows:
            url = make_url(section=sec, slug=slug)
            if url is None:
                continue
            body_text = plain_text(body)
            doc = len(docs)
            docs.append(
                [
                    url_file(url),
                    title,
                    timezone.localtime(published).date().isoformat(),
                    section_name(sec_names, sec, language),
                    snippet(summary, body_text),
                ]
            )
            text = " ".join([title, summary, body_text, issuer, *tags.get(pk, [])])
            for word in words(text):
                postings[word].append(doc)
        for page in Page.objects.filter(language=language, is_published=True):
            body_text = plain_text(page.body_html)
            doc = len(docs)
            url = url_file(page.get_absolute_url())
            docs.append([url, page.title, "", "", snippet("", body_text)])
            for word in words(f"{page.title} {body_text}"):
                postings[word].append(doc)
    terms = sorted(t for t in postings if indexable(t))
    encoded = []
    for term in terms:
        ids = postings[term]
        deltas = [ids[0]] + [b - a for a, b in pairwise(ids)]
        encoded.append(",".join(map(str, deltas)))
    return {
        "v": 1,
        "lang": language,
        "base": "../" * page_file.count("/"),  # from the search page to the mirror's root
        "docs": docs,
        "terms": terms,
        "post": encoded,
    }


def index_script(index: dict) -> bytes:
    """The index as a classic script (valid JavaScript from any origin, file:// included)."""
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    data = data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.SAMIZDAT_INDEX = {data};\n".encode()
