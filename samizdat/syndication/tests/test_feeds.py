"""Atom and RSS: they parse without a bozo flag and carry the full text, image and versions."""

from __future__ import annotations

import feedparser
import pytest

from samizdat.publishing.models import Statement
from samizdat.publishing.tests.factories import make_section, make_statement

from .conftest import ISSUERS, TITLES, count_queries

pytestmark = pytest.mark.django_db

FEED_FILES = ("atom.xml", "rss.xml")


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return response, feed


def entry_html(entry) -> str:
    """Atom puts the full text in <content>, RSS in <description>."""
    if entry.get("content"):
        return entry.content[0].value
    return entry.summary


@pytest.mark.parametrize("name", FEED_FILES)
@pytest.mark.parametrize(
    "path", ["/{lang}/feeds/", "/{lang}/feeds/analysis/", "/{lang}/feeds/tags/water/"]
)
@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_feed_parses_and_carries_full_text(client, water, lang, path, name):
    url = path.format(lang=lang) + name
    response, feed = parse(client, url)
    assert response["Content-Type"].startswith(
        "application/atom+xml" if name == "atom.xml" else "application/rss+xml"
    )
    assert [e.title for e in feed.entries] == [TITLES[lang]]
    entry = feed.entries[0]
    html = entry_html(entry)
    assert water[lang].body_html.split("<")[1] in html  # the body's first element
    assert ISSUERS[lang] in html
    assert entry.author == ISSUERS[lang]
    assert entry.link == f"http://testserver/{lang}/analysis/water-{lang}/"
    # The image: absolute in the text and as an enclosure.
    # (stored under random names, never the upload's "river.jpg": docs/privacy.md)
    assert 'src="http://testserver/media/images/' in html and "images/river" not in html
    enclosure = next(link for link in entry.links if link.rel == "enclosure")
    assert enclosure.href.startswith("http://testserver/media/images/")
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) > 0
    # The other language versions, in the text and as alternate links.
    others = [code for code in ("ru", "kk", "en") if code != lang]
    for code in others:
        assert f'href="http://testserver/{code}/analysis/water-{code}/" hreflang="{code}"' in html
    hreflangs = {link.get("hreflang"): link.href for link in entry.links if link.get("hreflang")}
    assert hreflangs == {
        code: f"http://testserver/{code}/analysis/water-{code}/" for code in others
    }
    assert [t.term for t in entry.tags] == ["water"]
    assert feed.feed.language == lang


def test_links_in_the_body_become_absolute(client, water):
    _response, feed = parse(client, "/ru/feeds/atom.xml")
    html = entry_html(feed.entries[0])
    assert 'src="http://testserver/media/maps/river.png"' in html
    assert 'href="http://testserver/ru/analysis/water/"' in html  # "../water/" resolved


def test_atom_has_summary_content_ids_and_self_link(client, water):
    response, feed = parse(client, "/ru/feeds/atom.xml")
    entry = feed.entries[0]
    assert entry.summary == "summary ru"
    assert entry.id.startswith("tag:testserver,") and entry.id.endswith(f":{water['ru'].pk}")
    assert entry.published_parsed and entry.updated_parsed
    self_link = next(link for link in feed.feed.links if link.rel == "self")
    assert self_link.href == "http://testserver/ru/feeds/atom.xml"
    assert feed.feed.link == "http://testserver/ru/"
    # The title with & and < comes back as written.
    assert entry.title == TITLES["ru"]
    assert b'<content type="html">' in response.content


def test_rss_has_guid_self_link_and_title(client, water):
    _response, feed = parse(client, "/en/feeds/analysis/rss.xml")
    assert feed.version == "rss20"
    assert feed.feed.title == "Analysis — samizdat" or feed.feed.title.startswith("Analysis — ")
    assert feed.feed.link == "http://testserver/en/analysis/"
    assert feed.entries[0].id.endswith(f":{water['en'].pk}")
    self_link = next(link for link in feed.feed.links if link.rel == "self")
    assert self_link.href == "http://testserver/en/feeds/analysis/rss.xml"


def test_only_published_newest_first_and_bounded(client, settings):
    section = make_section("analysis")
    published = [make_statement(title=f"p{i}", section=section) for i in range(3)]
    make_statement(title="draft", status=Statement.Status.DRAFT)
    make_statement(title="in english", language="en")
    for name in FEED_FILES:
        _response, feed = parse(client, f"/ru/feeds/{name}")
        assert [e.title for e in feed.entries] == [s.title for s in published]


def test_feed_is_bounded(client, monkeypatch):
    from samizdat.syndication import content

    monkeypatch.setattr(content, "FEED_ITEMS", 2)
    for i in range(4):
        make_statement(title=f"s{i}")
    _response, feed = parse(client, "/ru/feeds/atom.xml")
    assert [e.title for e in feed.entries] == ["s0", "s1"]


def test_section_and_tag_feeds_narrow_down(client):
    news = make_section("news", name_ru="Новости", name_kk="Жаңалықтар", name_en="News")
    make_statement(title="in news", section=news, tags=["labour"])
    make_statement(title="in analysis", tags=["water"])
    for name in FEED_FILES:
        assert [e.title for e in parse(client, f"/ru/feeds/news/{name}")[1].entries] == ["in news"]
        assert [e.title for e in parse(client, f"/ru/feeds/tags/water/{name}")[1].entries] == [
            "in analysis"
        ]


@pytest.mark.parametrize("name", FEED_FILES)
def test_empty_feed_of_a_known_section_is_valid(client, name):
    make_section("news", name_ru="Новости", name_kk="Жаңалықтар", name_en="News")
    _response, feed = parse(client, f"/kk/feeds/news/{name}")
    assert feed.entries == []
    assert feed.feed.title.startswith("Жаңалықтар — ")


@pytest.mark.parametrize("name", [*FEED_FILES, "feed.json"])
def test_query_count_does_not_grow_with_statements_tags_or_translations(client, name):
    from samizdat.publishing.models import TranslationGroup

    from .conftest import make_image

    make_statement(title="one", tags=["water"])
    urls = [f"/ru/feeds/{name}", f"/ru/feeds/analysis/{name}", f"/ru/feeds/tags/water/{name}"]
    few = [count_queries(client, url)[0] for url in urls]
    image = make_image(600, 300)
    for i in range(6):
        group = TranslationGroup.objects.create()
        ru = make_statement(
            title=f"ru {i}",
            translation_group=group,
            lead_image=image,
            tags=["water", f"t{i}", f"u{i}"],
        )
        for code in ("kk", "en"):
            make_statement(title=f"{code} {i}", language=code, translation_group=group)
        assert ru.translations()
    many = [count_queries(client, url) for url in urls]
    assert [n for n, _response in many] == few
    assert all(b"ru 5" in response.content for _n, response in many)
