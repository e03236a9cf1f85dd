"""Every UI string of this app has a real ru and kk translation (and an en entry)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from samizdat.core.tests.catalogues import catalogue, msgids

APP = Path(__file__).resolve().parents[1]


def _msgids() -> set[str]:
    return msgids(APP)


def test_strings_are_found():
    assert "Signed by key <code>%(key_id)s</code>." in _msgids()
    assert "signed text" in _msgids()


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_every_string_is_translated(language):
    po = catalogue(APP, language)
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    catalog = {entry.msgid: entry.msgstr for entry in po}
    for msgid in _msgids():
        assert catalog.get(msgid), f"{language}: missing {msgid!r}"
        if language != "en":
            assert catalog[msgid] != msgid, f"{language}: untranslated {msgid!r}"
        assert re.findall(r"%\(\w+\)s", catalog[msgid]) == re.findall(r"%\(\w+\)s", msgid)
