"""Every UI string of this app has a real ru and kk translation (and an en entry)."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

APP = Path(__file__).resolve().parents[1]
TRANSLATE = re.compile(r'{%\s*translate\s+"([^"]+)"')
BLOCK = re.compile(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", re.S)
PYTHON = re.compile(r'\b_\(\s*"([^"]+)"\s*\)')


def _msgids() -> set[str]:
    found: set[str] = set()
    for template in (APP / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        found.update(TRANSLATE.findall(text))
        for body in BLOCK.findall(text):
            found.add(" ".join(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", body).split()))
    for module in APP.glob("*.py"):
        found.update(PYTHON.findall(module.read_text(encoding="utf-8")))
    return found


def test_strings_are_found():
    assert "Updated on %(date)s." in _msgids()
    assert "signed text" in _msgids() and "Read the original" in _msgids()


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_every_string_is_translated(language):
    po = polib.pofile(str(APP / "locale" / language / "LC_MESSAGES" / "django.po"))
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    catalog = {entry.msgid: entry.msgstr for entry in po}
    for msgid in _msgids():
        assert catalog.get(msgid), f"{language}: missing {msgid!r}"
        if language != "en":
            assert catalog[msgid] != msgid, f"{language}: untranslated {msgid!r}"
        assert re.findall(r"%\(\w+\)s", catalog[msgid]) == re.findall(r"%\(\w+\)s", msgid)
