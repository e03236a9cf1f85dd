"""Page heads: canonical, hreflang alternates, feed discovery, Open Graph, Twitter, JSON-LD."""

from __future__ import annotations

import json

import pytest
from lxml import html as lxml_html

from samizdat.publishing.models import TranslationGroup
from samizdat.publishing.tests.factories import make_section, make_statement
from samizdat.syndication.head import json_ld_script_text

from .conftest import ISSUERS, TITLES, count_queries, make_image

pytestmark = pytest.mark.django_db
SITE = "http://testserver"


def head_of(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.content).find("head"), response.content.decode()


def canonical(head) -> str:
    [link] = head.xpath("link[@rel='canonical']")
    return link.get("href")


def hreflangs(head) -> dict[str, str]:
    return {
        link.get("hreflang"): link.get("href")
        for link in head.xpath("link[@rel='alternate'][@hreflang]")
    }


def meta(head, attribute: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag in head.xpath(f"meta[@{attribute}]"):
        found.setdefault(tag.get(attribute), []).append(tag.get("content"))
    return found


def feeds(head) -> dict[str, str]:
    return {
        link.get("href"): link.get("type") for link in head.xpath("link[@rel='alternate'][@type]")
    }


def json_ld(head) -> dict:
    [script] = head.xpath("script[@type='application/ld+json']")
    return json.loads(script.text)


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_statement_head(client, water, lang):
    statement = water[lang]
    head, _html = head_of(client, statement.get_absolute_url())
    url = f"{SITE}/{lang}/analysis/water-{lang}/"
    assert canonical(head) == url
    group = {c: f"{SITE}/{c}/analysis/water-{c}/" for c in ("ru", "kk", "en")}
    assert hreflangs(head) == {**group, "x-default": group["ru"]}

    og = meta(head, "property")
    assert og["og:type"] == ["article"]
    assert og["og:title"] == [TITLES[lang]]
    assert og["og:url"] == [url]
    assert og["og:description"] == [f"summary {lang}"]
    assert og["og:image"][0].startswith(f"{SITE}/media/images/")  # a random name
    assert og["og:image:width"] == ["1600"]
    assert og["og:locale"] == [{"ru": "ru_RU", "kk": "kk_KZ", "en": "en_US"}[lang]]
    assert len(og["og:locale:alternate"]) == 2
    assert og["article:tag"] == ["water"]
    twitter = meta(head, "name")
    assert twitter["twitter:card"] == ["summary_large_image"]
    assert twitter["twitter:image"] == og["og:image"]

    data = json_ld(head)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == TITLES[lang]
    assert data["inLanguage"] == lang
    assert data["datePublished"] == statement.published_at.isoformat()
    assert data["dateModified"] >= data["datePublished"]
    assert data["author"] == {"@type": "Organization", "name": ISSUERS[lang]}
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["url"] == f"{SITE}/{lang}/"
    assert data["image"] == og["og:image"]
    assert data["mainEntityOfPage"]["@id"] == url

    assert feeds(head) == {
        f"/{lang}/feeds/atom.xml": "application/atom+xml",
        f"/{lang}/feeds/rss.xml": "application/rss+xml",
        f"/{lang}/feeds/feed.json": "application/feed+json",
        f"/{lang}/feeds/analysis/atom.xml": "application/atom+xml",
        f"/{lang}/feeds/analysis/rss.xml": "application/rss+xml",
        f"/{lang}/feeds/analysis/feed.json": "application/feed+json",
    }


def test_json_ld_cannot_break_out_of_its_script_element(client):
    title = '</script><script>alert("x")</script> & <!--'
    statement = make_statement(title=title, issuer="A & B <Council>")
    head, html = head_of(client, statement.get_absolute_url())
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    data = json_ld(head)
    assert data["headline"] == title
    assert data["author"]["name"] == "A & B <Council>"
    # The data block is the only script on the page.
    assert html.count("<script") == 1


def test_json_ld_escaping_matches_djangos_json_script():
    text = json_ld_script_text({"a": "<>&'\""})
    assert text == '{"a": "\\u003C\\u003E\\u0026\'\\""}'
    assert json.loads(text) == {"a": "<>&'\""}


def test_statement_without_translations_or_image(client):
    statement = make_statement(title="Одна", summary="", body="Первый абзац текста.")
    head, _html = head_of(client, statement.get_absolute_url())
    assert hreflangs(head) == {}
    og = meta(head, "property")
    assert "og:image" not in og
    assert og["og:description"] == ["Первый абзац текста."]
    assert meta(head, "name")["twitter:card"] == ["summary"]
    assert "image" not in json_ld(head)


def test_home_head(client, water):
    head, _html = head_of(client, "/kk/")
    assert canonical(head) == f"{SITE}/kk/"
    assert hreflangs(head) == {
        "ru": f"{SITE}/ru/",
        "kk": f"{SITE}/kk/",
        "en": f"{SITE}/en/",
        "x-default": f"{SITE}/",
    }
    assert meta(head, "property")["og:type"] == ["website"]
    assert not head.xpath("script")
    assert set(feeds(head)) == {"/kk/feeds/atom.xml", "/kk/feeds/rss.xml", "/kk/feeds/feed.json"}


def test_discovered_feeds_exist(client, water):
    for url in ("/ru/", "/en/analysis/", "/kk/tags/water/", water["en"].get_absolute_url()):
        head, _html = head_of(client, url)
        for href in feeds(head):
            assert client.get(href).status_code == 200, href


def test_section_and_tag_heads(client, water):
    head, _html = head_of(client, "/en/analysis/")
    assert canonical(head) == f"{SITE}/en/analysis/"
    assert hreflangs(head)["x-default"] == f"{SITE}/ru/analysis/"
    assert "/en/feeds/analysis/rss.xml" in feeds(head)
    assert meta(head, "property")["og:title"][0].startswith("Analysis — ")

    head, _html = head_of(client, "/ru/tags/water/")
    assert canonical(head) == f"{SITE}/ru/tags/water/"
    assert hreflangs(head)["kk"] == f"{SITE}/kk/tags/water/"
    assert "/ru/feeds/tags/water/atom.xml" in feeds(head)


def test_later_listing_pages_are_their_own_canonical_without_alternates(client, settings):
    settings.STATEMENTS_PER_PAGE = 1
    for i in range(2):
        make_statement(title=f"s{i}")
    head, _html = head_of(client, "/ru/analysis/page/1/")
    assert canonical(head) == f"{SITE}/ru/analysis/page/1/"
    assert hreflangs(head) == {}


def test_unicode_tag_canonical_is_percent_encoded(client):
    make_statement(title="s", tags=["свобода"])
    head, _html = head_of(client, "/ru/tags/свобода/")
    assert canonical(head) == f"{SITE}/ru/tags/%D1%81%D0%B2%D0%BE%D0%B1%D0%BE%D0%B4%D0%B0/"
    assert "/ru/feeds/tags/%D1%81%D0%B2%D0%BE%D0%B1%D0%BE%D0%B4%D0%B0/atom.xml" in feeds(head)


def test_head_uses_the_configured_site_url(client, settings, water):
    settings.SITE_URL = "https://steppe.example"
    head, _html = head_of(client, water["kk"].get_absolute_url())
    assert canonical(head) == "https://steppe.example/kk/analysis/water-kk/"
    assert meta(head, "property")["og:image"][0].startswith("https://steppe.example/media/")


def test_head_spends_no_queries_on_translations_tags_or_images(client):
    make_section("analysis")
    plain = make_statement(title="plain")
    group = TranslationGroup.objects.create()
    rich = make_statement(
        title="rich", translation_group=group, lead_image=make_image(600, 300), tags=["a", "b"]
    )
    for code in ("kk", "en"):
        make_statement(language=code, translation_group=group)
    assert (
        count_queries(client, rich.get_absolute_url())[0]
        == count_queries(client, plain.get_absolute_url())[0]
    )


def test_page_head_has_canonical_description_and_language_versions(client):
    from samizdat.publishing.models import Page

    for code, title in (("ru", "О нас"), ("kk", "Біз туралы"), ("en", "About us")):
        Page.objects.create(title=title, slug="about", language=code, body=f"{title}: **текст**.")
    head, _html = head_of(client, "/kk/pages/about/")
    assert canonical(head) == f"{SITE}/kk/pages/about/"
    assert hreflangs(head) == {
        "ru": f"{SITE}/ru/pages/about/",
        "kk": f"{SITE}/kk/pages/about/",
        "en": f"{SITE}/en/pages/about/",
        "x-default": f"{SITE}/ru/pages/about/",
    }
    og = meta(head, "property")
    assert og["og:title"] == ["Біз туралы"]
    assert og["og:description"] == ["Біз туралы: текст."]
    assert og["og:type"] == ["website"]
    assert "/kk/feeds/atom.xml" in feeds(head)

    Page.objects.create(title="Only", slug="only", language="ru", body="Один язык.")
    head, _html = head_of(client, "/ru/pages/only/")
    assert hreflangs(head) == {}
