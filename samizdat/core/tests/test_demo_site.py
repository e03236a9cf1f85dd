"""The demo site as a reader sees it: every language, breadcrumbs, a strict CSP."""

import re
from html.parser import HTMLParser

import pytest

from samizdat.publishing.demo import load_demo
from samizdat.publishing.models import Statement

pytestmark = pytest.mark.django_db

HOME = {"ru": "Главная", "kk": "Басты бет", "en": "Home"}
ANALYSIS = {"ru": "Анализ", "kk": "Талдау", "en": "Analysis"}


@pytest.fixture
def demo(db):
    load_demo()


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.inline_scripts, self.style_attrs = [], 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attrs += 1
        if tag == "style":
            self.style_attrs += 1
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/ld+json":
            self.inline_scripts += 1
        for name in ("href", "src", "action", "srcset"):
            if attrs.get(name):
                self.urls.extend(u.strip().split(" ")[0] for u in attrs[name].split(","))


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_demo_pages_in_each_language(client, demo, language):
    statement = (
        Statement.objects.published().filter(language=language, section__slug="analysis").first()
    )
    pages = [f"/{language}/", f"/{language}/analysis/", statement.get_absolute_url()]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(statement.get_absolute_url()).content.decode()
    expected = re.compile(
        rf"{HOME[language]}</a> » <a [^>]+>{ANALYSIS[language]}</a> » "
        rf'<span aria-current="page">{re.escape(statement.title)}</span>'
    )
    assert expected.search(html)


@pytest.mark.parametrize("url", ["/ru/", "/kk/analysis/", "/en/pages/about/", "/ru/nope/"])
def test_public_pages_have_no_inline_code_and_no_third_party_urls(client, demo, url):
    statements = [s.get_absolute_url() for s in Statement.objects.published()]
    for page in [url, *statements]:
        response = client.get(page)
        assert "script-src 'self'" in response["Content-Security-Policy"]
        parser = _Collector()
        parser.feed(response.content.decode())
        assert parser.inline_scripts == 0, page
        assert parser.style_attrs == 0, page
        for link in parser.urls:
            assert not re.match(r"^(https?:)?//", link) or link.startswith("http://testserver"), (
                page,
                link,
            )


def test_demo_has_images_with_alt_text_and_translations(demo):
    with_image = Statement.objects.published().exclude(lead_image=None)
    assert with_image.count() >= 2
    assert all(s.lead_image.alt for s in with_image)
    grouped = Statement.objects.exclude(translation_group=None)
    assert grouped.values("translation_group").distinct().count() >= 4
