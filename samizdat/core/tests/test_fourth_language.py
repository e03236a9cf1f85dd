"""A fourth language through the registry alone: Ukrainian, enabled by SAMIZDAT_LANGUAGES.

Runs the site in a subprocess with the ordinary test settings and only the environment
changed, on the database the suite uses (SQLite, or PostgreSQL when DATABASE_URL says so).
"""

from __future__ import annotations

import html
import os
import re

import pytest
from num2words import num2words

from .subprocess_site import probe

SETTINGS = "from samizdat.test_settings import *  # noqa: F403\n"


def _db_name(tmp_path, name: str) -> str:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return f"test_probe_{name}_{os.getpid()}"
    return str(tmp_path / f"{name}.sqlite3")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("uk")
    return probe(
        tmp_path,
        SETTINGS,
        ["ru", "kk", "en", "uk"],
        _db_name(tmp_path, "uk"),
        SAMIZDAT_LANGUAGES="ru,kk,en,uk",
    )


def test_its_urls_and_pages(site):
    assert site["statement_urls"]["uk"] == "/uk/analysis/statement-uk/"
    for name in ("home", "section", "statement"):
        assert site[name]["status"] == 200, name
    home = site["home"]["body"]
    assert '<html lang="uk" dir="ltr">' in home
    assert "Заява про заборону партії uk" in home
    assert "Заява про заборону партії ru" not in home  # a listing shows its own language
    assert "Аналіз" in site["section"]["body"]  # the section's Ukrainian name
    # The language switcher lists it last, in the registry's order, by its own name.
    names = re.findall(r'hreflang="([a-z-]+)" lang="[a-z-]+">', site["default_statement"]["body"])
    assert names[:3] == ["kk", "en", "uk"]
    assert "Українська" in site["default_statement"]["body"]


def test_ui_falls_back_to_the_default_language(site):
    # No samizdat catalogue for uk yet: Django falls back to the default language's (ru).
    assert "Перейти к содержанию" in site["statement"]["body"]
    assert "Версии на других языках" in site["statement"]["body"]


def test_head_and_sitemap_alternates(site):
    page = site["statement"]["body"]
    assert '<meta property="og:locale" content="uk_UA">' in page
    for code in ("ru", "kk", "en", "uk"):
        url = f"http://testserver/{code}/analysis/statement-{code}/"
        assert f'<link rel="alternate" hreflang="{code}" href="{url}">' in page
    sitemap = site["sitemap"]["body"]
    assert site["sitemap"]["status"] == 200
    assert 'hreflang="uk" href="http://testserver/uk/analysis/statement-uk/"' in sitemap
    assert "<loc>http://testserver/uk/</loc>" in sitemap
    assert "Disallow: /uk/search/" in site["robots"]["body"]


def test_feeds(site):
    assert site["atom"]["status"] == 200 and site["json"]["status"] == 200
    assert "Заява про заборону партії uk" in site["atom"]["body"]
    assert "<title>Заява про заборону партії ru</title>" not in site["atom"]["body"]
    assert '"language": "uk"' in site["json"]["body"]


def test_search_with_the_simple_configuration(site):
    assert site["search_configs"]["uk"] == "simple"
    assert site["search_configs"]["ru"] == "russian"
    # No stemmer: the word as typed is a prefix (заборон finds заборону).
    assert site["search"]["status"] == 200
    assert "<mark>заборону</mark>" in site["search"]["body"]
    assert "партії" in site["search_all"]["body"]
    assert 'value="uk"' in site["search"]["body"]  # the language filter offers it


def test_captcha_words_in_ukrainian(site):
    words = site["captcha_words"]
    assert words[7] == num2words(7, lang="uk") == "сім"
    assert site["captcha_parses"] == 7
    shown = re.search(r'<span class="equation">.*= ([^<]+)</span>', site["statement"]["body"])
    # The page escapes the apostrophe of words like «п'ять» (&#x27;): compare the text shown.
    assert shown and html.unescape(shown.group(1)) in words[1:]


def test_a_language_outside_the_registry_setting_is_no_500(site):
    assert site["unknown_language"]["status"] in (302, 404)
