"""Every UI string of the app has a real ru, kk and en translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation.template import templatize

APP = Path(__file__).resolve().parent.parent
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}


def source_msgids() -> set[str]:
    ids: set[str] = set()
    for path in APP.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_NAMES
            ):
                ids.update(
                    a.value
                    for a in node.args[:2]
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)
                )
    for path in (APP / "templates").rglob("*"):
        if path.is_file():
            code = templatize(path.read_text(), origin=str(path))
            ids.update(ast.literal_eval(m) for m in re.findall(r"u'(?:[^'\\]|\\.)*'", code))
    return ids


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(APP / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_catalog_is_complete_and_not_fuzzy(language):
    po = catalog(language)
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Language"] == language
    assert not po.fuzzy_entries() and not po.metadata_is_fuzzy
    assert po.percent_translated() == 100
    known = {e.msgid for e in po} | {e.msgid_plural for e in po if e.msgid_plural}
    missing = source_msgids() - known
    assert not missing, missing


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_translations_are_not_english_copies(language):
    po = catalog(language)
    copies = [e.msgid for e in po if e.msgstr == e.msgid and e.msgid not in {"spam"}]
    assert not copies, copies
    for entry in po:
        for placeholder in re.findall(r"%\(\w+\)[sd]", entry.msgid):
            values = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            assert all(placeholder in v for v in values), (entry.msgid, placeholder)


def test_plural_forms_in_russian():
    with translation.override("ru"):
        assert [
            translation.ngettext("%(counter)s comment", "%(counter)s comments", n) % {"counter": n}
            for n in (1, 3, 5, 21, 500)
        ] == [
            "1 комментарий",
            "3 комментария",
            "5 комментариев",
            "21 комментарий",
            "500 комментариев",
        ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "Оставить комментарий"),
        ("kk", "Пікір қалдыру"),
        ("en", "Leave a comment"),
    ],
)
def test_key_strings(language, expected):
    with translation.override(language):
        assert translation.gettext("Leave a comment") == expected
