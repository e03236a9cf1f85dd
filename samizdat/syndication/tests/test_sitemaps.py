"""Sitemaps validate against the sitemaps.org schema, carry hreflang alternates and split."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from samizdat.publishing.models import Page, Statement
from samizdat.publishing.tests.factories import make_section, make_statement
from samizdat.syndication import sitemaps

from .conftest import count_queries

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
SITE = "http://testserver"


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(DATA / name)))


def fetch_valid(client, url: str, xsd: str) -> etree._Element:
    response = client.get(url.removeprefix(SITE))
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    doc = etree.fromstring(response.content)
    validator = schema(xsd)
    assert validator.validate(doc), (url, validator.error_log)
    return doc


def sitemap_files(client) -> list[etree._Element]:
    """``/sitemap.xml`` when it holds everything, else every file its index lists."""
    response = client.get("/sitemap.xml")
    root = etree.fromstring(response.content)
    if root.tag == f"{{{NS['sm']}}}urlset":
        return [fetch_valid(client, "/sitemap.xml", "sitemap.xsd")]
    index = fetch_valid(client, "/sitemap.xml", "siteindex.xsd")
    return [
        fetch_valid(client, loc, "sitemap.xsd")
        for loc in index.xpath("sm:sitemap/sm:loc/text()", namespaces=NS)
    ]


def crawl(client) -> dict[str, dict[str, str]]:
    """Every URL of the sitemap(s), with its {hreflang: href} alternates."""
    found: dict[str, dict[str, str]] = {}
    for doc in sitemap_files(client):
        for url in doc.xpath("sm:url", namespaces=NS):
            location = url.findtext("sm:loc", namespaces=NS)
            assert location not in found, f"{location} listed twice"
            found[location] = {
                link.get("hreflang"): link.get("href")
                for link in url.xpath("xhtml:link[@rel='alternate']", namespaces=NS)
            }
    return found


def test_the_schemas_reject_what_the_protocol_forbids():
    urlset = schema("sitemap.xsd")
    ok = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:xhtml="http://www.w3.org/1999/xhtml"><url><loc>http://example.org/</loc>'
        b'<lastmod>2026-01-02</lastmod><xhtml:link rel="alternate" hreflang="kk" '
        b'href="http://example.org/kk/"/></url></urlset>'
    )
    assert urlset.validate(etree.fromstring(ok))
    for bad in (
        ok.replace(b"2026-01-02", b"yesterday"),
        ok.replace(b"<loc>http://example.org/</loc>", b""),
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>',
        ok.replace(b"</url>", b"<title>x</title></url>"),
    ):
        assert not urlset.validate(etree.fromstring(bad))
    index = schema("siteindex.xsd")
    assert not index.validate(etree.fromstring(ok))


def test_sitemaps_list_everything_public_with_translation_alternates(client, water):
    lonely = make_statement(title="only in russian", tags=["labour"])
    make_statement(title="draft", status=Statement.Status.DRAFT, slug="draft")
    make_section("news", name_ru="Новости", name_kk="Жаңалықтар", name_en="News")  # empty
    for code, title in (("ru", "О нас"), ("en", "About us")):
        Page.objects.create(title=title, slug="about", language=code, body="…")
    Page.objects.create(title="Скрыто", slug="hidden", language="ru", is_published=False)

    found = crawl(client)

    statements = {f"{SITE}/{c}/analysis/water-{c}/" for c in ("ru", "kk", "en")}
    expected = {
        *(f"{SITE}/{c}/" for c in ("ru", "kk", "en")),
        *(f"{SITE}/{c}/analysis/" for c in ("ru", "kk", "en")),
        *(f"{SITE}/{c}/tags/water/" for c in ("ru", "kk", "en")),
        f"{SITE}/ru/tags/labour/",
        *statements,
        f"{SITE}{lonely.get_absolute_url()}",
        f"{SITE}/ru/pages/about/",
        f"{SITE}/en/pages/about/",
    }
    assert set(found) == expected
    group = {c: f"{SITE}/{c}/analysis/water-{c}/" for c in ("ru", "kk", "en")}
    for url in statements:
        assert found[url] == {**group, "x-default": group["ru"]}
    assert found[f"{SITE}/kk/"]["x-default"] == f"{SITE}/"
    assert found[f"{SITE}/en/tags/water/"] == {
        **{c: f"{SITE}/{c}/tags/water/" for c in ("ru", "kk", "en")},
        "x-default": f"{SITE}/ru/tags/water/",
    }
    assert found[f"{SITE}/en/pages/about/"] == {
        "ru": f"{SITE}/ru/pages/about/",
        "en": f"{SITE}/en/pages/about/",
        "x-default": f"{SITE}/ru/pages/about/",
    }
    # A page in one language only needs no alternates.
    assert found[f"{SITE}{lonely.get_absolute_url()}"] == {}
    assert found[f"{SITE}/ru/tags/labour/"] == {}


def test_x_default_falls_back_to_the_first_language_present(client):
    from samizdat.publishing.models import TranslationGroup

    group = TranslationGroup.objects.create()
    for code in ("en", "kk"):
        make_statement(language=code, slug=f"two-{code}", translation_group=group)
    found = crawl(client)
    assert found[f"{SITE}/en/analysis/two-en/"]["x-default"] == f"{SITE}/kk/analysis/two-kk/"


def test_one_file_while_everything_fits(client, water):
    doc = fetch_valid(client, "/sitemap.xml", "sitemap.xsd")
    assert doc.tag == f"{{{NS['sm']}}}urlset"
    assert client.get("/sitemap-1.xml").status_code == 404  # no second copy of the same list


def test_the_sitemap_becomes_an_index_past_its_limit(client, monkeypatch, water):
    unsplit = crawl(client)
    assert len(unsplit) == 3 + 3 + 3 + 3  # homes, sections, tags, statements
    monkeypatch.setattr(sitemaps.SiteSitemap, "limit", 5)
    for i in range(4):
        make_statement(title=f"s{i}", slug=f"s{i}")
    index = fetch_valid(client, "/sitemap.xml", "siteindex.xsd")
    locs = index.xpath("sm:sitemap/sm:loc/text()", namespaces=NS)
    assert locs == [f"{SITE}/sitemap-{n}.xml" for n in (1, 2, 3, 4)]  # 16 URLs, 5 a file
    assert len(index.xpath("sm:sitemap/sm:lastmod", namespaces=NS)) == len(locs)
    sizes = [
        len(fetch_valid(client, loc, "sitemap.xsd").xpath("sm:url", namespaces=NS)) for loc in locs
    ]
    assert sizes == [5, 5, 5, 1]
    split = crawl(client)
    assert set(unsplit) < set(split)
    assert {url: split[url] for url in unsplit} == unsplit  # same alternates after the split
    assert {f"{SITE}/ru/analysis/s{i}/" for i in range(4)} <= set(split)
    for missing in ("/sitemap-5.xml", "/sitemap-0.xml", "/sitemap-01.xml"):
        assert client.get(missing).status_code == 404


def test_default_limit_is_within_the_protocol_maximum():
    assert 1_000 <= sitemaps.SiteSitemap.limit <= 50_000


def test_a_publication_changes_only_the_last_part_and_an_edit_its_own(client, monkeypatch):
    """Statements oldest first, then Pages and listings: older parts keep their bytes."""
    from django.utils import timezone

    monkeypatch.setattr(sitemaps.SiteSitemap, "limit", 4)
    made = [make_statement(title=f"s{i}", slug=f"s{i}") for i in range(9)]
    Page.objects.create(title="about", slug="about", language="ru")

    def parts() -> dict[str, bytes]:
        index = etree.fromstring(client.get("/sitemap.xml").content)
        locs = index.xpath("sm:sitemap/sm:loc/text()", namespaces=NS)
        return {loc: client.get(loc.removeprefix(SITE)).content for loc in locs}

    before = parts()
    assert len(before) == 4  # 9 statements, 1 Page, 3 homes + 1 section: 14 URLs
    first = etree.fromstring(before[f"{SITE}/sitemap-1.xml"])
    assert first.xpath("sm:url/sm:loc/text()", namespaces=NS) == [
        f"{SITE}{s.get_absolute_url()}" for s in made[:4]
    ]
    make_statement(title="new", slug="new", published_at=timezone.now())
    after = parts()
    assert [loc for loc in after if after[loc] != before.get(loc)] == [
        f"{SITE}/sitemap-3.xml",  # the last statements, the Page and the listings move on
        f"{SITE}/sitemap-4.xml",
    ]
    made[1].slug = "s1-corrected"
    made[1].save()  # a new URL (a lastmod within the same second would look the same)
    edited = parts()
    touched = {loc for loc in edited if edited[loc] != after[loc]}
    assert f"{SITE}/sitemap-1.xml" in touched  # its own entry
    # Parts 3 and 4 hold listings, whose dates move with the edit (to the second): they may
    # change too; part 2 holds only statements nobody touched.
    assert f"{SITE}/sitemap-2.xml" not in touched


def test_an_empty_site_still_has_a_valid_sitemap(client):
    found = crawl(client)
    assert set(found) == {f"{SITE}/ru/", f"{SITE}/kk/", f"{SITE}/en/"}


def test_sitemap_query_count_is_constant(client, monkeypatch, water):
    from samizdat.publishing.models import TranslationGroup

    Page.objects.create(title="about", slug="about", language="ru")
    urls = ("/sitemap.xml",)
    few = [count_queries(client, url)[0] for url in urls]
    for i in range(5):
        group = TranslationGroup.objects.create()
        for code in ("ru", "kk", "en"):
            make_statement(language=code, translation_group=group, tags=[f"t{i}"])
        Page.objects.create(title=f"p{i}", slug=f"p{i}", language="ru")
    assert [count_queries(client, url)[0] for url in urls] == few
    # Split: the index and every part take no more than the whole did (a part spanning
    # statements and Pages reads both; one inside the statements reads one).
    monkeypatch.setattr(sitemaps.SiteSitemap, "limit", 4)
    index = count_queries(client, "/sitemap.xml")[0]
    parts = [count_queries(client, f"/sitemap-{n}.xml")[0] for n in (1, 5, 9, 12)]
    assert max(parts) <= few[0] and index <= few[0]
    assert client.get("/sitemap-13.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "Disallow: /" not in lines  # the public site stays crawlable


def test_robots_and_sitemaps_use_the_configured_site_url(client, settings, water):
    settings.SITE_URL = "https://steppe.example"
    assert (
        "Sitemap: https://steppe.example/sitemap.xml" in client.get("/robots.txt").content.decode()
    )
    body = client.get("/sitemap.xml").content.decode()
    assert "http://testserver" not in body
    assert 'href="https://steppe.example/kk/analysis/water-kk/"' in body
