"""Slugs for models whose slugs are ASCII (sections, pages): Cyrillic is transliterated."""

from __future__ import annotations

from urllib.parse import unquote

from django.utils.text import slugify

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
        "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e iu ia "
        "a g q n o u u h i".split(),
        strict=True,
    )
)
_TABLE = str.maketrans({k: ("" if v == "-" else v) for k, v in _CYRILLIC.items()})


def ascii_slug(text: str, max_length: int = 50) -> str:
    """``Біз туралы`` → ``biz-turaly``; ``""`` when nothing usable is left."""
    value = unquote(text or "").lower().translate(_TABLE)
    return slugify(value)[:max_length].strip("-")


def unicode_slug(text: str, max_length: int = 200) -> str:
    """WordPress's percent-encoded ``post_name`` as the Unicode slug statements use."""
    return slugify(unquote(text or ""), allow_unicode=True)[:max_length].strip("-")
