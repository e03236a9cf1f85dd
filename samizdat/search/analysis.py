"""Text analysis shared by both backends: words, stems, stop words and the parsed query.

Index side: ``index_lexemes(text, language)`` turns text into the lexemes PostgreSQL's
``to_tsvector`` would produce for the language's configuration (``samizdat.languages``:
``russian``, ``english``, ``simple``, …): in the ``russian`` configuration ASCII words go
through the English Snowball stemmer (as PostgreSQL does), other words through the language's
stemmer; words with digits stay as they are, stop words are left out; a language without a
stemmer (``simple``) keeps words as typed. The SQLite backend stores these lexemes in FTS5;
PostgreSQL computes the same ones itself.

Query side: ``parse_query(text, languages)`` never passes the reader's syntax on. It keeps
words only (letters and digits), and turns each into a *term*: a set of alternatives, each an
exact lexeme or a prefix. A statement matches when every term matches one of its lexemes.
Both backends build their query language from these terms alone, so they find the same
statements and no input can become an operator.

Morphology rules (see docs/search.md), by the language's stemmer:
- russian: the Snowball stem, and also a prefix of the stem: the stem without its last three
  letters, at least five (запрещение → запрещен → "запре*" also finds запретили → запрет).
  Russian alternates the last consonant of a root (запретить / запрещение, ответ / отвечать),
  which Snowball does not undo; the prefix covers it. Exact stems rank higher.
- other Snowball stemmers (english, …): the stem.
- no stemmer (kk, uk, …): the word as typed is a prefix (партия finds партиясы, партияның).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer

from samizdat import languages as registry

from . import stopwords

MAX_QUERY_CHARS = 200
MAX_TERMS = 10
MAX_WORD_CHARS = 60
# Stemmers whose stems are also searched as a shorter prefix: (minimum length, letters trimmed).
STEM_PREFIX = {"russian": (5, 3)}
UNSTEMMED_PREFIX_MIN = 3
# Stop words PostgreSQL's configurations drop (only these two lists are copied here).
STOP_WORDS = {"russian": stopwords.RUSSIAN, "english": stopwords.ENGLISH}

# Markers around highlighted words in snippets; removed from indexed text, so a statement
# cannot contain them. ``render_snippet`` escapes the text, then turns them into <mark>.
MARK_START = "\ue000"
MARK_STOP = "\ue001"

WORD_RE = re.compile(r"[^\W_]+")
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")


@lru_cache(maxsize=4)
def _stemmer(algorithm: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(algorithm)


def clean_text(text: str) -> str:
    """NFC-normalise and drop control characters and the snippet markers."""
    return _UNWANTED.sub(" ", unicodedata.normalize("NFC", text or ""))


def words(text: str) -> list[str]:
    """Lower-cased words (runs of letters and digits; "_" and punctuation separate)."""
    return WORD_RE.findall(clean_text(text).lower())


@lru_cache(maxsize=64)
def _analysis(language: str) -> tuple[str | None, frozenset[str]]:
    """(stemmer, stop words) of a language; "simple" has neither."""
    facts = registry.get(language)
    if facts.search_config == "simple" or not facts.stemmer:
        return None, frozenset()
    return facts.stemmer, STOP_WORDS.get(facts.search_config, frozenset())


def _for_word(word: str, language: str) -> tuple[str | None, frozenset[str]]:
    stemmer, stops = _analysis(language)
    if stemmer == "russian" and word.isascii():  # PostgreSQL's russian: asciiword → english
        return "english", stopwords.ENGLISH
    return stemmer, stops


@lru_cache(maxsize=100_000)
def lexeme(word: str, language: str) -> str | None:
    """The indexed form of one lower-cased word in a statement of ``language``, or None."""
    if len(word) > MAX_WORD_CHARS:
        return None
    stemmer, stops = _for_word(word, language)
    if stemmer is None or not word.isalpha():  # a word from WORD_RE: letters and digits
        return word
    if word in stops:
        return None
    return _stemmer(stemmer).stemWord(word)


def index_lexemes(text: str, language: str) -> list[str]:
    return [lx for w in words(text) if (lx := lexeme(w, language)) is not None]


@dataclass(frozen=True, order=True)
class Alternative:
    text: str
    prefix: bool = False

    def matches(self, lexeme: str) -> bool:
        return lexeme.startswith(self.text) if self.prefix else lexeme == self.text


def alternatives(word: str, language: str) -> set[Alternative] | None:
    """How one query word may appear in a statement of ``language``; None for a stop word."""
    lx = lexeme(word, language)
    if lx is None:
        return None
    stemmer, _stops = _for_word(word, language)
    if stemmer is None:
        return {Alternative(lx, prefix=len(lx) >= UNSTEMMED_PREFIX_MIN)}
    found = {Alternative(lx)}
    minimum, trim = STEM_PREFIX.get(stemmer, (0, 0))
    if minimum and lx.isalpha() and len(lx) >= minimum:
        found.add(Alternative(lx[: max(minimum, len(lx) - trim)], prefix=True))
    return found


@dataclass
class ParsedQuery:
    """A reader's query, reduced to terms; ``terms`` is empty when nothing is searchable."""

    text: str
    languages: tuple[str, ...]
    terms: list[tuple[Alternative, ...]] = field(default_factory=list)
    truncated: bool = False
    dropped_words: int = 0

    def __bool__(self) -> bool:
        return bool(self.terms)

    def matches(self, lexeme: str) -> bool:
        """Whether an indexed lexeme matches any term (used to highlight words)."""
        return any(alt.matches(lexeme) for term in self.terms for alt in term)


def parse_query(text: str, languages: tuple[str, ...] | list[str] | None = None) -> ParsedQuery:
    """Reduce arbitrary reader input to at most ``MAX_TERMS`` safe terms.

    ``languages``: the enabled languages to search (default all of them, in the site's order).
    A word that is a stop word in any searched language is left out, so it is never required.
    """
    text = clean_text(text or "").strip()
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    enabled = tuple(registry.codes())
    languages = tuple(lang for lang in enabled if lang in (languages or ())) or enabled
    query = ParsedQuery(text=text, languages=languages, truncated=truncated)
    seen: set[str] = set()
    for word in words(text):
        if word in seen:
            continue
        seen.add(word)
        per_language = [alternatives(word, lang) for lang in languages]
        if any(alts is None for alts in per_language):
            query.dropped_words += 1
            continue
        alts = set().union(*per_language)
        term = tuple(sorted(a for a in alts if a.prefix or Alternative(a.text, True) not in alts))
        if len(query.terms) < MAX_TERMS:
            query.terms.append(term)
    return query
