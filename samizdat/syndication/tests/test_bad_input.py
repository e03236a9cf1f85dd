"""Unknown languages, sections, tags and sitemap pages: a 404 page, never a 500."""

from __future__ import annotations

import pytest

from samizdat.publishing.tests.factories import make_statement

pytestmark = pytest.mark.django_db

BAD = [
    "/xx/feeds/atom.xml",
    "/de/feeds/feed.json",
    "/ru/feeds/nosuch/atom.xml",
    "/ru/feeds/nosuch/rss.xml",
    "/ru/feeds/nosuch/feed.json",
    "/ru/feeds/tags/nosuch/atom.xml",
    "/ru/feeds/tags/nosuch/feed.json",
    "/ru/feeds/tags/" + "я" * 10_000 + "/rss.xml",
    "/ru/feeds/" + "a" * 10_000 + "/atom.xml",
    "/ru/feeds/tags/%27%20OR%201=1--/atom.xml",
    "/ru/feeds/tags/%F0%9F%92%A3/feed.json",
    "/ru/feeds/atom.xml/",
    "/ru/feeds/atom.json",
    "/ru/feeds/analysis/page/2/atom.xml",
    "/sitemap-nosuch.xml",
    "/sitemap-statements-0.xml",
    "/sitemap-statements-1.xml",
    "/sitemap-statements-99999.xml",
    "/sitemap-statements-999999999999.xml",
    "/sitemap-statements-x.xml",
]


@pytest.mark.parametrize("url", BAD)
def test_bad_urls_get_the_404_page(client, url):
    make_statement(title="exists", tags=["water"])
    # A few are first sent to their "/"-ended form by APPEND_SLASH, which is not a page either.
    response = client.get(url, follow=True)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"<html" in response.content


def test_nul_bytes_are_refused_before_the_database(client):
    assert client.get("/ru/feeds/tags/a%00b/atom.xml").status_code == 400


def test_404_page_is_in_the_language_of_the_prefix(client):
    response = client.get("/kk/feeds/nosuch/atom.xml")
    assert response.status_code == 404
    assert b'<html lang="kk" dir="ltr">' in response.content
