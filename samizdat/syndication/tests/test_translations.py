"""Feed texts in the language of their URL prefix."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from samizdat.publishing.tests.factories import make_section

from .test_feeds import entry_html, parse

pytestmark = pytest.mark.django_db

DESCRIPTIONS = {
    "ru": "Заявления в разделе «Анализ» — ",
    "kk": "«Талдау» бөліміндегі мәлімдемелер — ",
    "en": "Statements in the section “Analysis” — ",
}
OTHER_VERSIONS = {
    "ru": "Версии на других языках",
    "kk": "Басқа тілдердегі нұсқалар",
    "en": "Other language versions",
}
LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_feed_texts_are_translated(client, water, lang):
    make_section("analysis")
    feed = json.loads(client.get(f"/{lang}/feeds/analysis/feed.json").content)
    assert feed["description"].startswith(DESCRIPTIONS[lang])
    _response, atom = parse(client, f"/{lang}/feeds/analysis/atom.xml")
    assert atom.feed.subtitle.startswith(DESCRIPTIONS[lang])
    assert OTHER_VERSIONS[lang] in entry_html(atom.entries[0])


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_catalogues_are_complete(lang):
    catalogue = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    assert catalogue.percent_translated() == 100
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]
    english = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    assert {e.msgid for e in catalogue} == {e.msgid for e in english}
