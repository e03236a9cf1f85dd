"""The language registry: facts, fallbacks, order, and no language list anywhere else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from samizdat import languages

PACKAGE = Path(languages.__file__).resolve().parent


def test_the_default_setting_and_its_order(settings):
    assert languages.codes() == ["ru", "kk", "en"]
    assert languages.default_code() == settings.LANGUAGE_CODE == "ru"
    assert languages.sort_codes(["en", "xx", "kk", "ru"]) == ["ru", "kk", "en", "xx"]


def test_facts_of_the_known_languages():
    kk = languages.get("kk")
    assert (kk.name, kk.search_config, kk.stemmer, kk.number_words) == (
        "Қазақша",
        "simple",
        None,
        "kz",
    )
    assert languages.get("ru").search_config == "russian" == languages.get("ru").stemmer
    assert languages.get("uk").number_words == "uk" and languages.get("uk").og_locale == "uk_UA"
    assert languages.get("ar").direction == "rtl"
    with translation.override("ru"):
        assert str(languages.get("kk").label) == "Казахский"


def test_an_unknown_language_gets_sane_facts_from_django_and_num2words():
    pl = languages.describe("pl")  # not in KNOWN
    assert pl.name == "polski" and pl.search_config == "simple" and pl.number_words == "pl"
    assert languages.describe("he").direction == "rtl"
    nothing = languages.describe("zz")
    assert nothing.name == "zz" and nothing.number_words is None
    assert languages.number_words_code("zz") == "ru"  # the first enabled language with words


@pytest.mark.parametrize("value", ["", " , ", "ru,ru", "ru;kk", "RU-", "toolonglanguage", "r"])
def test_a_malformed_setting_names_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match="SAMIZDAT_LANGUAGES"):
        languages.parse_setting(value)


def test_the_setting_is_read_in_order():
    assert languages.parse_setting(" uk, ru ,en ") == ["uk", "ru", "en"]


def test_current_falls_back_to_the_default_for_a_language_outside_the_site():
    with translation.override("de"):
        assert languages.current() == "ru"
    with translation.override("kk"):
        assert languages.current() == "kk"


def test_kazakh_dates_come_from_the_registry():
    from django.utils.formats import get_format

    with translation.override("kk"):
        assert get_format("DATE_FORMAT") == "j F Y ж."


# Sequences of two or more quoted codes ("ru", "kk", …), one-line mappings keyed by codes,
# per-language columns and branches on a language code.
CODES = r"(?:ru|kk|en|uk)"
HARD_CODED = [
    re.compile(rf"""["']{CODES}["']\s*,\s*["']{CODES}["']"""),
    re.compile(rf"""["']{CODES}["']\s*:\s*[^,]+,\s*["']{CODES}["']\s*:"""),
    re.compile(r"\bname_(?:ru|kk|en)\b"),
    re.compile(rf"""language\s*(?:==|!=)\s*["']{CODES}["']"""),
]
# The registry itself; tests; migrations (frozen history); invented demo content in three
# languages (data, not a language list: the loader skips languages the site does not enable).
ALLOWED = ("languages.py", "/tests/", "/migrations/", "demo.py")


def test_no_hard_coded_language_list_outside_the_registry():
    offenders = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in {".py", ".html", ".txt"} or any(a in str(path) for a in ALLOWED):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in HARD_CODED):
                offenders.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_grep_would_catch_the_old_lists():
    old = [
        'LANGUAGES = ("ru", "kk", "en")',
        'NUM2WORDS_LANG = {"ru": "ru", "kk": "kz", "en": "en"}',
        '    name_ru = models.CharField(_("name (Russian)"), max_length=100)',
        '    if language == "kk" or not word.isalpha():',
        'OG_LOCALES = {"ru": "ru_RU", "kk": "kk_KZ", "en": "en_US"}',
    ]
    assert all(any(p.search(line) for p in HARD_CODED) for line in old)
