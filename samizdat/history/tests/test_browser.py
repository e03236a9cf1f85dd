"""Two editors in Debian Chromium edit one statement at once: the second save is a conflict
with the second editor's text kept in the form; saving again then replaces it knowingly."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client

from samizdat.accounts.testing import verified_login
from samizdat.core.tests.browser import launch, require_browser
from samizdat.publishing.models import Statement
from samizdat.publishing.tests.factories import make_statement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session(name: str) -> str:
    """A signed-in editor's session cookie (password and second factor passed)."""
    # A superuser: transactional tests before this one may have flushed the Editors group.
    user = User.objects.create_superuser(name, password="pw-12345-xx")
    return verified_login(Client(), user).cookies[settings.SESSION_COOKIE_NAME].value


def _editor_context(browser, base: str, session: str):
    context = browser.new_context()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
    return context


def test_concurrent_edit_conflict_in_a_real_browser(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_playwright = require_browser()
    statement = make_statement(title="Общее заявление", body="Исходный текст.")
    base = live_server.url
    url = f"{base}/admin/publishing/statement/{statement.pk}/change/"
    problems: list[str] = []
    sessions = [_session("aigerim"), _session("bolat")]
    # No ORM calls while Playwright runs (its loop would open a connection of its own).
    try:
        with sync_playwright() as p:
            browser = launch(p)
            first = _editor_context(browser, base, sessions[0]).new_page()
            second = _editor_context(browser, base, sessions[1]).new_page()
            for page in (first, second):
                page.on("response", lambda r: r.status >= 500 and problems.append(r.url))
                page.goto(url)
                assert page.locator("#id_body").count() == 1
            first.fill("#id_body", "Текст Айгерим.")
            first.fill("#id_change_note", "первая правка")
            first.click("input[name=_continue]")
            first.wait_for_load_state()
            assert first.locator(".errornote").count() == 0
            second.fill("#id_body", "Текст Болата.")
            second.click("input[name=_continue]")
            second.wait_for_load_state()
            assert second.locator(".errornote").count() == 1
            assert "aigerim" in second.locator(".errorlist.nonfield").inner_text()
            assert second.input_value("#id_body") == "Текст Болата."  # kept
            first.goto(url)  # nothing was overwritten
            assert first.input_value("#id_body") == "Текст Айгерим."
            second.click("input[name=_continue]")  # now knowingly
            second.wait_for_load_state()
            assert second.locator(".errornote").count() == 0
            browser.close()
    finally:
        connections.close_all()
    assert Statement.objects.get(pk=statement.pk).body == "Текст Болата."
    assert problems == []
