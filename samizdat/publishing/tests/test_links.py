"""Statement URLs filled into a template (publishing/links.py) against real reverse()."""

from __future__ import annotations

import random

import pytest
from django.urls import NoReverseMatch, clear_url_caches, set_script_prefix

from samizdat.publishing import links

ALPHABET = "abcxyz-_09AZ" + "дождьқөё" + " %?#&=+/~:@!$'()*,;é\u200b" + "zq"


def _both(language, section, slug):
    try:
        expected = links._reverse(
            "publishing:statement", language, {"section": section, "slug": slug}
        )
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            links.statement_url(language, section, slug)
        return None
    assert links.statement_url(language, section, slug) == expected, (section, slug)
    return expected


def test_the_same_urls_as_reverse_for_any_values():
    rng = random.Random(1912)
    made = 0
    for _ in range(3000):
        language = rng.choice(["ru", "kk", "en"])
        letters = rng.choice([ALPHABET, "abc-_09XZ"])  # half the sections are valid slugs
        section = "".join(rng.choice(letters) for _ in range(rng.randint(0, 8)))
        slug = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))
        made += _both(language, section, slug) is not None
    assert made > 1000  # most values made a URL, the rest failed the same way


def test_typical_values_and_the_language_prefix():
    assert _both("ru", "analysis", "o-zaprete-partii") == "/ru/analysis/o-zaprete-partii/"
    assert (
        _both("kk", "analysis", "сайлау-2026")
        == "/kk/analysis/%D1%81%D0%B0%D0%B9%D0%BB%D0%B0%D1%83-2026/"
    )
    assert _both("en", "news", "a b?c") == "/en/news/a%20b%3Fc/"


def test_a_script_prefix_and_a_new_urlconf_are_followed():
    _both("ru", "analysis", "first")
    try:
        set_script_prefix("/site/")
        assert _both("ru", "analysis", "first") == "/site/ru/analysis/first/"
    finally:
        set_script_prefix("/")
    clear_url_caches()
    assert _both("ru", "analysis", "first") == "/ru/analysis/first/"


NAMED = [
    ("publishing:section", ("section",)),
    ("publishing:tag", ("tag",)),
    ("syndication:rss", ()),
    ("syndication:section-atom", ("section",)),
    ("syndication:tag-rss", ("tag",)),
    ("publishing:page", ("slug",)),  # <slug:slug>: stricter than the "slug" kind, so reverse()
]


@pytest.mark.parametrize(("name", "keys"), NAMED)
def test_other_urls_match_reverse_in_every_language(name, keys):
    rng = random.Random(name)
    for _ in range(300):
        language = rng.choice(["ru", "kk", "en", None])
        values = {k: "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8))) for k in keys}
        try:
            expected = links._reverse(name, language, values)
        except NoReverseMatch:
            with pytest.raises(NoReverseMatch):
                links.url(name, language, **values)
            continue
        assert links.url(name, language, **values) == expected, (name, language, values)


def test_a_url_whose_converter_refuses_the_probe_is_always_reversed():
    assert links.url("publishing:page", "ru", slug="about") == "/ru/pages/about/"
    key = next(k for k in links._templates if k[0] == "publishing:page")
    assert links._templates[key][1] is None  # "Pr0be x_9-é" is no <slug:…>
    with pytest.raises(NoReverseMatch):
        links.url("publishing:page", "ru", slug="a b")
