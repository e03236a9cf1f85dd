"""A full export of a small multilingual site, crawled for broken links and third-party URLs."""

import json
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from samizdat.mirror.check import check_mirror
from samizdat.mirror.tree import MANIFEST
from samizdat.publishing.demo import load_demo
from samizdat.publishing.models import Statement
from samizdat.publishing.tests.factories import make_section, make_statement

from .conftest import read


def routed(name, **kwargs):
    try:
        reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return False
    return True


def load_index(path):
    text = read(path)
    assert text.startswith("window.SAMIZDAT_INDEX = ") and text.endswith(";\n")
    return json.loads(text[len("window.SAMIZDAT_INDEX = ") : -2])


def test_every_public_page_is_exported_and_every_link_resolves(site, export):
    result = export()
    root = export.target
    for rel in [
        "index.html",
        "ru/index.html",
        "kk/index.html",
        "en/index.html",
        "ru/analysis/index.html",
        "kk/news/index.html",
        "ru/analysis/voda/index.html",
        "kk/analysis/su/index.html",
        "en/analysis/water/index.html",
        "ru/news/shahtyory/index.html",
        "ru/tags/water/index.html",
        "en/tags/water/index.html",
        "ru/pages/about/index.html",
        "en/pages/about/index.html",
        "ru/search/index.html",
        "ru/search/search-index.js",
        "static/samizdat/site.css",
        "static/mirror/search.js",
        site.image.file.name.replace("images/", "media/images/", 1),
        *("media/" + v for v in site.image.variants.values()),
        MANIFEST,
    ]:
        assert (root / rel).is_file(), rel
    # Files of the other apps, when their URLs exist: discovered from the URLconf.
    for rel, name, kwargs in [
        ("ru/feeds/atom.xml", "syndication:atom", {}),
        ("en/feeds/analysis/rss.xml", "syndication:section-rss", {"section": "analysis"}),
        ("ru/feeds/tags/water/feed.json", "syndication:tag-json", {"tag": "water"}),
        ("sitemap.xml", "syndication_root:sitemap", {}),
        ("robots.txt", "syndication_root:robots", {}),
        (
            "ru/analysis/voda/statement.txt",
            "authenticity:text",
            {"section": "analysis", "slug": "voda"},
        ),
    ]:
        if routed(name, **kwargs):
            assert (root / rel).is_file(), rel
    assert not (root / "ru/analysis/chernovik").exists()  # a draft
    assert not (root / "kk/pages/about").exists()  # no Kazakh version
    assert result.full and result.files > 30
    report = check_mirror(root)
    assert report.problems == []
    assert report.pages >= 22 and report.links > 200


def test_statement_page_links_relatively_to_translations_assets_and_live_comments(site, export):
    export()
    page = read(export.target / "ru/analysis/voda/index.html")
    assert 'href="../../../kk/analysis/su/index.html" hreflang="kk"' in page
    assert 'href="../../../static/samizdat/site.css"' in page
    assert re.search(r'srcset="\.\./\.\./\.\./media/images/[^"]+480w\.jpg 480w', page)
    assert 'href="../../news/index.html"' in page  # a root-relative link in the body
    # Comments are read-only, with a link to comment on the live site.
    assert 'method="post"' not in page.lower() and "csrfmiddlewaretoken" not in page
    assert 'href="http://testserver/ru/analysis/voda/?comment=form#comments"' in page
    # The header search form goes to the offline search page.
    assert re.search(r'<form[^>]*action="\.\./\.\./search/index\.html"', page)
    assert not re.search(r'(?:href|src|action)="/', page)


def test_missing_translations_and_listing_pages_fall_back_to_a_parent(site, export, settings):
    settings.STATEMENTS_PER_PAGE = 2
    analysis = make_section("analysis")
    for n in range(4):
        make_statement(f"Анализ {n}", section=analysis, slug=f"analiz-{n}")
    result = export()
    root = export.target
    assert (root / "ru/analysis/page/1/index.html").is_file()  # 5 = 2 archived + 3 listed
    assert not (root / "ru/analysis/page/2").exists()
    assert not (root / "kk/analysis/page/1").exists()
    page2 = read(root / "ru/analysis/page/1/index.html")
    assert 'href="../../../../kk/analysis/index.html" hreflang="kk"' in page2
    assert 'href="../../index.html"' in page2  # "Newer" → the first page
    about = read(root / "ru/pages/about/index.html")
    assert 'href="../../../kk/index.html" hreflang="kk"' in about  # no Kazakh "about"
    assert "/kk/analysis/page/1/" in result.fallbacks
    assert check_mirror(root).ok


def test_base_url_and_onion_location(site, export, settings):
    settings.ONION_URL = "http://steppeabcdefgh.onion"
    export(base_url="https://mirror.example/")
    page = read(export.target / "ru/analysis/voda/index.html")
    assert (
        '<meta http-equiv="onion-location" '
        'content="http://steppeabcdefgh.onion/ru/analysis/voda/">' in page
    )
    assert 'href="https://mirror.example/ru/analysis/voda/?comment=form#comments"' in page
    manifest = json.loads(read(export.target / MANIFEST))
    assert manifest["site_url"] == "https://mirror.example"
    settings.ONION_URL = ""
    assert check_mirror(export.target).ok  # both hosts are the site's own


def test_offline_search_page_and_index(site, export):
    make_statement(
        "Будущее",
        slug="budushchee",
        published_at=timezone.now() + timezone.timedelta(days=1),
        status=Statement.Status.SCHEDULED,
    )
    export()
    root = export.target
    page = read(root / "ru/search/index.html")
    assert '<script src="search-index.js" defer></script>' in page
    assert '<script src="../../static/mirror/search.js" defer></script>' in page
    assert re.search(r'<form class="mirror-search-form" action="index.html" method="get"', page)
    assert "<script>" not in page  # no inline script
    index = load_index(root / "ru/search/search-index.js")
    assert index["base"] == "../../"
    titles = {doc[1] for doc in index["docs"]}
    assert {"Вода и тарифы", "Солидарность с шахтёрами", "О нас"} <= titles
    assert not {"Черновик", "Будущее", "Water and tariffs"} & titles
    assert index["terms"] == sorted(index["terms"])
    docs = {doc[0]: i for i, doc in enumerate(index["docs"])}
    water = docs["ru/analysis/voda/index.html"]
    postings = dict(zip(index["terms"], index["post"], strict=True))
    assert str(water) in postings["тарифах"].split(",")  # body words, lower-cased
    assert "шахтерами" in postings  # ё → е
    en = load_index(root / "en/search/search-index.js")
    assert [d[1] for d in en["docs"]] == ["Water and tariffs", "About"]


@pytest.mark.urls("samizdat.mirror.tests.urls_extra")
def test_routes_of_other_apps_are_discovered_from_the_urlconf(site, export):
    site.other.slug = "zz-missing"
    site.other.save()
    result = export()
    root = export.target
    assert read(root / "extra-robots.txt") == "User-agent: *\n"
    assert read(root / "kk/extra-feeds/atom.xml") == "<feed>all</feed>"
    assert read(root / "en/extra-feeds/news/atom.xml") == "<feed>news</feed>"
    assert read(root / "ru/analysis/voda/extra.txt") == "analysis/voda"
    assert not (root / "ru/news/zz-missing/extra.txt").exists()  # answered 404
    assert "/ru/news/zz-missing/extra.txt" in result.not_rendered
    assert not (root / "ru/comments").exists()  # the live-only namespace
    assert check_mirror(root).ok


def test_the_demo_site_exports_without_broken_links_or_third_party_urls(db, export):
    load_demo()
    export()
    report = check_mirror(export.target)
    assert report.problems == []
    assert report.pages > 40
    assert report.site_links > 0  # "comment on the live site" links
    for path in export.target.rglob("*.html"):
        for url in re.findall(r'(?:href|src|action)="(https?:)?//([^/"]+)', read(path)):
            assert url[1] == "testserver", (path, url)


def test_a_split_sitemap_is_exported_with_every_part(site, export, monkeypatch):
    from lxml import etree

    from samizdat.syndication import sitemaps

    assert not (export() and (export.target / "sitemap-1.xml").exists())
    monkeypatch.setattr(sitemaps.SiteSitemap, "limit", 5)
    export()
    index = etree.fromstring((export.target / "sitemap.xml").read_bytes())
    assert etree.QName(index).localname == "sitemapindex"
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = index.xpath("sm:sitemap/sm:loc/text()", namespaces=ns)
    assert len(locs) >= 3
    total = 0
    for n in range(1, len(locs) + 1):
        part = etree.fromstring((export.target / f"sitemap-{n}.xml").read_bytes())
        total += len(part.xpath("sm:url", namespaces=ns))
    assert not (export.target / f"sitemap-{len(locs) + 1}.xml").exists()
    assert total == sitemaps.SiteSitemap().paginator.count
    assert check_mirror(export.target).ok
    monkeypatch.undo()
    export()  # back under the limit: one sitemap again, the parts removed
    assert (
        etree.QName(etree.parse(str(export.target / "sitemap.xml")).getroot()).localname == "urlset"
    )
    assert not list(export.target.glob("sitemap-*.xml"))
