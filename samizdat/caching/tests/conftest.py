"""A small public site: a section, a tag, two statements, a Page and one open discussion."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from samizdat.publishing import lifecycle
from samizdat.publishing.models import Page
from samizdat.publishing.tests.factories import make_section, make_statement


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db):
    section = make_section("analysis")
    first = make_statement(title="Первое заявление", slug="first", section=section, tags=["water"])
    second = make_statement(title="Второе заявление", slug="second", section=section)
    english = make_statement(title="First", slug="first-en", language="en", section=section)
    kazakh = make_statement(title="Бірінші", slug="first-kk", language="kk", section=section)
    lifecycle.link_translation(
        first, kazakh
    )  # a group exists: linking English adds to it (no new row)
    page = Page.objects.create(title="О движении", slug="about", language="ru", body="Мы.")
    return {"section": section, "first": first, "second": second, "page": page, "english": english}


PUBLIC_URLS = [
    "/ru/",
    "/ru/analysis/",
    "/ru/tags/water/",
    "/ru/pages/about/",
    "/ru/search/?q=заявление",
    "/ru/feeds/atom.xml",
    "/ru/feeds/rss.xml",
    "/ru/feeds/feed.json",
    "/ru/feeds/analysis/atom.xml",
    "/ru/feeds/tags/water/rss.xml",
    "/sitemap.xml",
]
FILE_URLS = ["/robots.txt", "/ru/analysis/first/statement.txt"]


def later(seconds: int) -> dt.datetime:
    return dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=seconds)


@pytest.fixture
def signing_key(db, settings, tmp_path):
    """An unencrypted site key pair in a throwaway key directory."""
    from samizdat.authenticity import keys

    settings.SIGNING_KEY_DIR = tmp_path / "keys"
    settings.SIGNING_KEY_PASSPHRASE = ""
    return keys.generate_site_key(None)
