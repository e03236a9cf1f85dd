"""The exported mirror in headless Chromium from file://: links across languages, offline search."""

import json

import pytest

from samizdat.core.tests.browser import launch, require_browser

pytestmark = pytest.mark.browser


def failed(request, problems):
    # Loads cut short by navigating on are fine; a missing file is net::ERR_FILE_NOT_FOUND.
    if request.failure != "net::ERR_ABORTED":
        problems.append(f"{request.failure}: {request.url}")


def watch(page, problems):
    page.on("requestfailed", lambda r: failed(r, problems))
    page.on("pageerror", lambda e: problems.append(f"error: {e}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)


def results(page):
    page.wait_for_selector("#mirror-search-status:not(:empty)")
    return page.locator("#mirror-search-results li > a").all_inner_texts()


def test_mirror_from_file_url_follows_links_across_languages_and_searches(site, export):
    sync_playwright = require_browser()
    export()
    root = export.target
    problems = []
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        watch(page, problems)
        page.goto((root / "index.html").as_uri())
        page.click("a[hreflang=ru]")
        page.wait_for_load_state("load")  # the stylesheet too, not only the document
        assert page.url.endswith("/ru/index.html")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") != (
            "rgba(0, 0, 0, 0)"
        )  # site.css loaded
        page.click("main a:text('Вода и тарифы')")
        assert page.url.endswith("/ru/analysis/voda/index.html")
        assert page.locator("figure.lead img").evaluate("i => i.complete && i.naturalWidth > 0")
        page.click(".translations a[hreflang=kk]")
        assert page.url.endswith("/kk/analysis/su/index.html")
        assert page.locator("html").get_attribute("lang") == "kk"
        page.click("nav.languages a[hreflang=en]")
        assert page.url.endswith("/en/analysis/water/index.html")
        page.click("nav.sections a:text('News')")
        assert page.url.endswith("/en/news/index.html")

        # Search from the header of a Russian page: the form goes to the offline search page.
        page.goto((root / "ru/news/shahtyory/index.html").as_uri())
        header_form = page.locator("header form[role=search]")
        if header_form.count():
            header_form.locator("input[name=q]").fill("тарифами")
            header_form.locator("input[name=q]").press("Enter")
        else:
            page.click(".mirror-search-link")
            page.fill("#mirror-q", "тарифами")
            page.press("#mirror-q", "Enter")
        assert "/ru/search/index.html" in page.url
        assert "Вода и тарифы" in results(page)  # "тарифами" finds "тарифах": prefix match
        page.fill("#mirror-q", "ШАХТЁРАМИ солидарность")
        page.press("#mirror-q", "Enter")
        page.wait_for_function(
            "document.querySelector('#mirror-search-results a')?.textContent"
            " === 'Солидарность с шахтёрами'"
        )
        page.fill("#mirror-q", "несуществующееслово")
        page.press("#mirror-q", "Enter")
        status = page.locator("#mirror-search-status")
        nothing = status.get_attribute("data-none")
        page.wait_for_function(
            f"document.getElementById('mirror-search-status').textContent === {json.dumps(nothing)}"
        )
        assert nothing.startswith("Ничего не найдено")
        assert page.locator("#mirror-search-results li").count() == 0
        page.fill("#mirror-q", "тариф")
        page.press("#mirror-q", "Enter")
        page.locator("#mirror-search-results a:text('Вода и тарифы')").click()
        assert page.url.endswith("/ru/analysis/voda/index.html")
        browser.close()
    assert problems == []


def test_search_page_without_javascript_says_how_to_search(site, export):
    sync_playwright = require_browser()
    export()
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_context(java_script_enabled=False).new_page()
        page.goto((export.target / "ru/search/index.html").as_uri())
        assert page.locator(".mirror-search-form").is_hidden()
        help_text = page.locator("#mirror-search-help")
        assert help_text.is_visible()
        assert "Ctrl+F" in help_text.inner_text()
        help_text.locator("a").first.click()
        assert page.url.endswith("/ru/analysis/index.html")
        browser.close()
