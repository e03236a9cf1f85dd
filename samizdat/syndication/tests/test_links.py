"""Helpers shared by feeds, sitemaps and heads."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import override

from samizdat.syndication.links import (
    Alternate,
    PathFiller,
    absolute_url,
    default_language,
    with_x_default,
)

SLUGS = ["plain", "заявление-о-воде", "a'b", "a%b", "(x)", "a+b=c", "ü~é", "a b", "a?b", "a#b"]


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_path_filler_spells_paths_as_reverse_does(language):
    paths = PathFiller("publishing:statement")
    for slug in SLUGS:
        with override(language):
            expected = reverse("publishing:statement", kwargs={"section": "analysis", "slug": slug})
        assert paths(language, section="analysis", slug=slug) == expected, slug
    assert paths.templates[language] is not None  # the fast path was taken


def test_path_filler_falls_back_to_reverse_when_the_template_disagrees(monkeypatch):
    monkeypatch.setattr(PathFiller, "_fill", lambda self, template, kwargs: "/wrong/")
    paths = PathFiller("publishing:statement")
    assert paths("ru", section="analysis", slug="x") == "/ru/analysis/x/"
    assert paths.templates["ru"] is None
    assert paths("ru", section="analysis", slug="y") == "/ru/analysis/y/"
    with pytest.raises(NoReverseMatch):  # values the pattern refuses go to reverse() itself
        paths("ru", section="analysis", slug="a/b")


def test_x_default_prefers_the_site_language_then_site_order(settings):
    assert default_language(["en", "ru"]) == "ru"
    assert default_language(["en", "kk"]) == "kk"
    assert default_language([]) is None
    one = [Alternate("en", "http://x/en/")]
    assert with_x_default(one) == []
    two = [*one, Alternate("kk", "http://x/kk/")]
    assert with_x_default(two)[-1] == Alternate("x-default", "http://x/kk/")
    assert with_x_default(two, "http://x/")[-1] == Alternate("x-default", "http://x/")


def test_absolute_url(settings):
    settings.SITE_URL = "https://steppe.example"
    assert absolute_url("/ru/") == "https://steppe.example/ru/"
    assert absolute_url("http://other.example/a") == "http://other.example/a"
