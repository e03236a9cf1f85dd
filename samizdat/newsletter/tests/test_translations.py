"""Every string of the app (templates, mails, models) has real ru and kk translations and an en
entry; the placeholders match."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

APP = Path(__file__).resolve().parents[1]
TRANSLATE = re.compile(r'{%\s*translate\s+"([^"]+)"')
PYTHON = re.compile(r'\b_\(\s*"([^"]+)"\s*\)')


def _msgids() -> set[str]:
    found: set[str] = set()
    for template in (APP / "templates").rglob("*.*"):
        found.update(TRANSLATE.findall(template.read_text(encoding="utf-8")))
    for module in APP.glob("*.py"):
        found.update(PYTHON.findall(module.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_every_string_is_translated(language):
    po = polib.pofile(str(APP / "locale" / language / "LC_MESSAGES" / "django.po"))
    catalog = {entry.msgid: entry for entry in po}
    assert len(_msgids()) > 60
    for msgid in _msgids() | {"Channels", "No channels are installed."}:
        entry = catalog.get(msgid)
        assert entry is not None and entry.msgstr, f"{language}: missing {msgid!r}"
        if language != "en":
            assert entry.msgstr != msgid, f"{language}: untranslated {msgid!r}"
    for entry in po:
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            assert form, f"{language}: empty {entry.msgid!r}"
            assert set(re.findall(r"%\(\w+\)\w", form)) == set(
                re.findall(r"%\(\w+\)\w", entry.msgid)
            ), entry.msgid


def test_the_confirmation_mail_is_in_the_list_language(settings):
    """Needs the compiled catalogues (`make translations`, which `make test` runs first)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("kk"):
        subject = render_to_string("newsletter/email/confirm_subject.txt", {})
    assert subject.strip() == "Таратылымға жазылуды растаңыз"
