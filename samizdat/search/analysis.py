"""Text analysis shared by both backends: words, stems, stop words and the parsed query.

Index side: ``index_lexemes(text, language)`` turns text into the lexemes PostgreSQL's
``to_tsvector`` would produce for the statement's configuration (``russian``, ``english`` or
``simple``): ASCII words go through the English Snowball stemmer (as in PostgreSQL's
``russian`` configuration), other words through the language's stemmer, words with digits stay
as they are, stop words are left out. The SQLite backend stores these lexemes in FTS5;
PostgreSQL computes the same ones itself.

Query side: ``parse_query(text, languages)`` never passes the reader's syntax on. It keeps
words only (letters and digits), and turns each into a *term*: a set of alternatives, each an
exact lexeme or a prefix. A statement matches when every term matches one of its lexemes.
Both backends build their query language from these terms alone, so they find the same
statements and no input can become an operator.

Morphology rules (see docs/search.md):
- ru: the Snowball stem, and also a prefix of the stem: the stem without its last three
  letters, at least five (запрещение → запрещен → "запре*" also finds запретили → запрет).
  Russian alternates the last consonant of a root (запретить / запрещение, ответ / отвечать),
  which Snowball does not undo; the prefix covers it. Exact stems rank higher.
- en: the Snowball stem.
- kk: no stemmer; the word as typed is a prefix (партия finds партиясы, партияның).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer

from . import stopwords

LANGUAGES = ("ru", "kk", "en")
MAX_QUERY_CHARS = 200
MAX_TERMS = 10
MAX_WORD_CHARS = 60
RU_PREFIX_MIN = 5
RU_PREFIX_TRIM = 3
KK_PREFIX_MIN = 3

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


def _is_stop(word: str, language: str) -> bool:
    if language == "kk" or not word.isalpha():  # a word from WORD_RE: letters and digits
        return False
    if word.isascii():
        return word in stopwords.ENGLISH
    return word in (stopwords.RUSSIAN if language == "ru" else stopwords.ENGLISH)


@lru_cache(maxsize=100_000)
def lexeme(word: str, language: str) -> str | None:
    """The indexed form of one lower-cased word in a statement of ``language``, or None."""
    if len(word) > MAX_WORD_CHARS or _is_stop(word, language):
        return None
    if language == "kk" or not word.isalpha():
        return word
    if word.isascii() or language == "en":
        return _stemmer("english").stemWord(word)
    return _stemmer("russian").stemWord(word)


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
    if language == "kk":
        return {Alternative(lx, prefix=len(lx) >= KK_PREFIX_MIN)}
    found = {Alternative(lx)}
    if language == "ru" and not word.isascii() and lx.isalpha() and len(lx) >= RU_PREFIX_MIN:
        found.add(Alternative(lx[: max(RU_PREFIX_MIN, len(lx) - RU_PREFIX_TRIM)], prefix=True))
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


def parse_query(text: str, languages: tuple[str, ...] | list[str] = LANGUAGES) -> ParsedQuery:
    """Reduce arbitrary reader input to at most ``MAX_TERMS`` safe terms.

    A word that is a stop word in any searched language is left out, so it is never required.
    """
    text = clean_text(text or "").strip()
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    languages = tuple(lang for lang in LANGUAGES if lang in languages) or LANGUAGES
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
