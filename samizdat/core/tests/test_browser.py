"""The demo statement page in a real browser with JavaScript off: phone width, dark mode."""

import pytest

from samizdat.core.tests.browser import launch, require_browser
from samizdat.publishing.demo import load_demo
from samizdat.publishing.models import Statement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def statement_url(live_server):
    load_demo()
    statement = Statement.objects.published().get(language="ru", slug="o-zaprete-partii")
    return live_server.url + statement.get_absolute_url()


def test_statement_page_on_a_phone_without_javascript(statement_url):
    sync_playwright = require_browser()
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(
            java_script_enabled=False, viewport={"width": 360, "height": 740}
        )
        page = context.new_page()
        failed = []
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.goto(statement_url)
        assert page.locator("nav.breadcrumb").inner_text().startswith("Главная » Заявления » ")
        assert page.locator("h1").inner_text() == "О запрете партии «Ашық Дала»"
        # Nothing wider than the phone: no horizontal scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        image = page.locator("figure.lead img")
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")
        assert image.bounding_box()["width"] <= 360
        # Follow the link to the Kazakh version.
        page.locator(".translations a[hreflang=kk]").click()
        assert page.locator("html").get_attribute("lang") == "kk"
        assert page.locator("nav.breadcrumb").inner_text().startswith("Басты бет » ")
        assert failed == []
        browser.close()


def test_dark_mode_follows_the_system_setting(statement_url):
    sync_playwright = require_browser()
    with sync_playwright() as p:
        browser = launch(p)
        colours = {}
        for scheme in ("light", "dark"):
            page = browser.new_context(color_scheme=scheme).new_page()
            page.goto(statement_url)
            colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        browser.close()
    assert colours["light"] == "rgb(253, 252, 249)"
    assert colours["dark"] == "rgb(20, 20, 20)"
