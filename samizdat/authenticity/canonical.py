"""The canonical plain-text form of a statement: the exact bytes that are signed.

Specified in docs/signed-statements.md; change it only together with that document.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

TEXT_NAME = "statement.txt"
SIGNATURE_NAME = "statement.txt.minisig"
_BLANKS = " \t"


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value or "")


def one_line(value: str) -> str:
    """A header value: line breaks become one space, no leading or trailing spaces/tabs."""
    parts = (part.strip(_BLANKS) for part in _nfc(value).splitlines())
    return " ".join(part for part in parts if part)


def normalise_body(body: str) -> str:
    """Body Markdown: LF line ends, no trailing spaces/tabs, no blank lines at either end."""
    lines = [line.rstrip(_BLANKS) for line in _nfc(body).splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def format_date(value: datetime | None) -> str:
    """ISO 8601 in UTC to the second, e.g. ``2026-03-01T09:30:00Z``."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _field(name: str, value: str) -> str:
    return f"{name}: {value}" if value else f"{name}:"


def canonical_text(statement) -> str:
    """The statement as signed text (a ``str``; its UTF-8 encoding is what gets signed)."""
    header = [
        _field("Title", one_line(statement.title)),
        _field("Issuer", one_line(statement.issuer)),
        _field("Language", one_line(statement.language)),
        _field("Date", format_date(statement.published_at)),
        _field("Section", one_line(statement.section.name_in(statement.language))),
    ]
    body = normalise_body(statement.body)
    return "\n".join([*header, "", *([body] if body else [])]) + "\n"


def canonical_bytes(statement) -> bytes:
    return canonical_text(statement).encode("utf-8")
