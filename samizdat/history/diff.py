"""A readable word-level diff: difflib over words, shown with <ins> and <del> (no styles)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

_TOKEN = re.compile(r"\s+|[^\s]+")

LABELS = {
    "title": _("title"),
    "slug": _("slug"),
    "language": _("language"),
    "section": _("section"),
    "issuer": _("issuer line"),
    "summary": _("summary"),
    "body": _("body"),
    "lead_image_id": _("lead image"),
    "tags": _("tags"),
    "status": _("status"),
    "published_at": _("publication time"),
    "order": _("order"),
    "is_published": _("published"),
}
ORDER = list(LABELS)


def words(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def word_diff(old: str, new: str) -> SafeString:
    """``old`` → ``new`` as HTML: unchanged words plain, removed in <del>, added in <ins>."""
    a, b = words(old), words(new)
    out = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))


def _text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value is None:
        return ""
    return str(value)


@dataclass
class FieldChange:
    name: str
    label: str
    html: SafeString


def compare(old: dict, new: dict) -> list[FieldChange]:
    """The fields that differ between two snapshots, each as a word diff."""
    names = [n for n in ORDER if n in old or n in new]
    names += sorted((set(old) | set(new)) - set(names) - {"section_id"})
    changes = []
    for name in names:
        before, after = _text(old.get(name)), _text(new.get(name))
        if before != after:
            changes.append(FieldChange(name, str(LABELS.get(name, name)), word_diff(before, after)))
    return changes
