"""WordCaptcha: ``a ∘ b = c`` with one operand blank and the result written in words.

The challenge travels as a signed token (django.core.signing) that carries only a random nonce,
the statement it belongs to and its issue time; the challenge itself is derived from the nonce
with a keyed HMAC, so the answer is never readable from the page source. A token is accepted
once: its nonce is written to :class:`~samizdat.discussion.models.SpentNonce` until it expires.
"""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from functools import cache

from django.core import signing
from django.utils.crypto import salted_hmac
from num2words import num2words

from samizdat import languages

from . import conf

TOKEN_SALT = "samizdat.discussion.captcha"
CHALLENGE_SALT = "samizdat.discussion.captcha.challenge"
OPERAND_RANGE = range(1, 10)  # operands 1–9: results 1..81, answers always 1..9
OPERATORS = {"+": "+", "-": "\u2212", "*": "\u00d7"}  # internal → displayed (−, ×)
WORD_RANGE = range(0, 101)  # answers typed in words are looked up in this range


def now() -> float:
    """The clock used for token times (tests replace it)."""
    return time.time()


@dataclass(frozen=True)
class Challenge:
    """``left op right = result``; ``blank`` (0 = left, 1 = right) is what the reader types."""

    left: int
    op: str
    right: int
    blank: int

    @property
    def result(self) -> int:
        if self.op == "+":
            return self.left + self.right
        if self.op == "-":
            return self.left - self.right
        return self.left * self.right

    @property
    def answer(self) -> int:
        return self.left if self.blank == 0 else self.right

    def satisfied_by(self, value: int) -> bool:
        """Does ``value`` in the blank make the equation true?"""
        left, right = (value, self.right) if self.blank == 0 else (self.left, value)
        return Challenge(left, self.op, right, self.blank).result == self.result

    def shown_operand(self) -> int:
        return self.right if self.blank == 0 else self.left

    def parts(self, language: str) -> dict:
        """What the template shows: the visible operand, operator sign and the result in words."""
        return {
            "blank_first": self.blank == 0,
            "operand": self.shown_operand(),
            "operator": OPERATORS[self.op],
            "result_words": number_words(self.result, language),
        }

    def text(self, language: str) -> str:
        """Plain-text form, e.g. ``"[ ] × 9 = двадцать семь"``."""
        p = self.parts(language)
        a, b = ("[ ]", p["operand"]) if p["blank_first"] else (p["operand"], "[ ]")
        return f"{a} {p['operator']} {b} = {p['result_words']}"


def is_valid(challenge: Challenge) -> bool:
    """Operands in range, result never negative (subtraction only from a larger number)."""
    return (
        challenge.left in OPERAND_RANGE
        and challenge.right in OPERAND_RANGE
        and challenge.op in OPERATORS
        and challenge.blank in (0, 1)
        and (challenge.op != "-" or challenge.left > challenge.right)
    )


@cache
def all_challenges() -> tuple[Challenge, ...]:
    """Every challenge the site can show (396 of them)."""
    return tuple(
        c
        for op in OPERATORS
        for a in OPERAND_RANGE
        for b in OPERAND_RANGE
        for blank in (0, 1)
        if is_valid(c := Challenge(a, op, b, blank))
    )


def challenge_for_nonce(nonce: str) -> Challenge:
    digest = salted_hmac(CHALLENGE_SALT, nonce, algorithm="sha256").digest()
    pool = all_challenges()
    return pool[int.from_bytes(digest[:8], "big") % len(pool)]


# --- numbers in words -------------------------------------------------------------------------


@cache
def number_words(value: int, language: str) -> str:
    """``27`` → "двадцать семь" / "жиырма жеті" / "twenty-seven"."""
    return num2words(value, lang=languages.number_words_code(language))


_KAZAKH_FOLD = str.maketrans("әғқңөұүһі", "агкноуухи")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_.,;:!?'\"«»()]+")


def normalise_words(text: str) -> str:
    """Lower case, ё→е, Kazakh letters folded to their Russian-keyboard look-alikes, one space."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return " ".join(_SEPARATORS.sub(" ", text.translate(_KAZAKH_FOLD)).split())


# Russian speakers often write the feminine/neuter forms for small numbers.
_EXTRA_WORDS = {"одна": 1, "одно": 1, "две": 2, "нуль": 0}


@cache
def words_table() -> dict[str, int]:
    """Normalised number words of every enabled language → value."""
    table: dict[str, int] = {}
    for language in languages.codes():
        for value in WORD_RANGE:
            table.setdefault(normalise_words(number_words(value, language)), value)
    for word, value in _EXTRA_WORDS.items():
        table.setdefault(normalise_words(word), value)
    return table


def parse_answer(text: str) -> int | None:
    """The reader's answer as a number: digits ("7", "０７") or words in an enabled language."""
    if not isinstance(text, str) or len(text) > 60:
        return None
    cleaned = normalise_words(text)
    if not cleaned:
        return None
    compact = cleaned.replace(" ", "")
    if compact.isdecimal() and len(compact) <= 4:
        return int(compact)
    return words_table().get(cleaned)


# --- tokens -----------------------------------------------------------------------------------


class TokenError(Exception):
    """Why a token was refused: ``invalid`` (forged, tampered), ``expired`` or ``reused``."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Token:
    nonce: str
    statement_id: int
    issued: int
    retry: bool

    @property
    def challenge(self) -> Challenge:
        return challenge_for_nonce(self.nonce)

    def min_seconds(self) -> int:
        """A re-issued challenge (after an error) only needs the time to read a new example."""
        full = conf.min_seconds()
        return min(full, 2) if self.retry else full


def issue_token(
    statement_id: int,
    *,
    retry: bool = False,
    issued: float | None = None,
    nonce: str | None = None,
) -> str:
    payload = {
        "n": nonce or secrets.token_urlsafe(12),
        "s": int(statement_id),
        "t": int(now() if issued is None else issued),
        "r": 1 if retry else 0,
    }
    return signing.dumps(payload, salt=TOKEN_SALT, compress=False)


def fresh(statement_id: int, *, retry: bool = False) -> tuple[str, Challenge]:
    """A new token and the challenge it stands for (for the form on the page)."""
    token, challenge, _issue = fresh_issue(statement_id, retry=retry)
    return token, challenge


def fresh_issue(statement_id: int, *, retry: bool = False) -> tuple[str, Challenge, tuple]:
    """:func:`fresh` plus (nonce, issue time): the page's ETag names them, and reading them
    back out of the token would check its signature a second time."""
    nonce = secrets.token_urlsafe(12)
    issued = int(now())
    token = issue_token(statement_id, retry=retry, nonce=nonce, issued=issued)
    return token, challenge_for_nonce(nonce), (nonce, issued)


def read_token(token: str, statement_id: int, *, at: float | None = None) -> Token:
    """Check signature, form binding and age (not reuse — see :func:`spend`)."""
    if not isinstance(token, str) or not token or len(token) > 300:
        raise TokenError("invalid")
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
        parsed = Token(str(payload["n"]), int(payload["s"]), int(payload["t"]), bool(payload["r"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise TokenError("invalid") from None
    if parsed.statement_id != statement_id or not 8 <= len(parsed.nonce) <= 32:
        raise TokenError("invalid")
    age = (now() if at is None else at) - parsed.issued
    if age > conf.token_max_age() or age < -60:
        raise TokenError("expired")
    return parsed


def spend(token: Token) -> None:
    """Remember the nonce until the token would expire; a second use raises ``reused``."""
    from .models import SpentNonce

    if not SpentNonce.spend(token.nonce, token.issued + conf.token_max_age()):
        raise TokenError("reused")


def check(token: str, statement_id: int, answer: str, *, at: float | None = None) -> Token:
    """Read and spend a token and check the answer; raise TokenError or ``WrongAnswer``."""
    parsed = read_token(token, statement_id, at=at)
    spend(parsed)
    value = parse_answer(answer)
    if value is None or not parsed.challenge.satisfied_by(value):
        raise WrongAnswer("empty" if not (answer or "").strip() else "wrong")
    return parsed


class WrongAnswer(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
