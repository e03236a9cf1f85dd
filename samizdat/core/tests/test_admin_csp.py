"""The admin under the strict CSP in real Chromium: no page reports a policy violation.

Django 5.2's admin keeps its scripts in files and passes data in ``data-`` attributes; it sets
styles only through the CSSOM (``element.style.x = …``), which a CSP does not block. This test
loads the pages an editor and a moderator use, with JavaScript on, and fails on any
"Refused to …" report (console or ``securitypolicyviolation`` event).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from samizdat.accounts.tests.conftest import totp_code
from samizdat.core.middleware import PUBLIC_CSP
from samizdat.core.tests.browser import launch, require_browser
from samizdat.discussion.models import Comment
from samizdat.publishing.tests.factories import make_statement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "admin-pass-2026-long"
LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' @' + e.lineNumber));
"""


@pytest.fixture
def admin_site(live_server):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.create_superuser("chief", "chief@example.org", PASSWORD)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    statement = make_statement(title="Заявление", slug="zayavlenie", tags=["water"])
    Comment.objects.create(statement=statement, language="ru", name="Асель", text="Да.")
    return live_server.url, statement, user


def test_admin_pages_raise_no_csp_violation(admin_site, client):
    base, statement, user = admin_site
    assert client.get("/admin/login/")["Content-Security-Policy"] == PUBLIC_CSP
    pages = [
        "/admin/",
        "/admin/publishing/statement/",
        "/admin/publishing/statement/add/",
        f"/admin/publishing/statement/{statement.pk}/change/",
        "/admin/publishing/image/add/",
        "/admin/publishing/page/add/",
        "/admin/publishing/section/add/",
        "/admin/discussion/comment/",
        "/admin/auth/user/",
        f"/admin/auth/user/{user.pk}/password/",
    ]
    device = user.totpdevice_set.get()
    sync_playwright = require_browser()
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_context().new_page()
        page.add_init_script(LISTENER)
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text))
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
        page.goto(base + "/admin/login/")
        page.fill("#id_username", "chief")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        # The second factor (samizdat.accounts): a code from the staff member's device.
        page.wait_for_url(re.compile("/admin/2fa/verify/"))
        page.fill("#id_code", totp_code(device))
        page.click("form button[type=submit].default")
        page.wait_for_url(base + "/admin/")
        seen = {}
        for path in pages:
            response = page.goto(base + path)
            assert response.status == 200, path
            assert response.headers["content-security-policy"] == PUBLIC_CSP
            page.wait_for_load_state("networkidle")
            if path.endswith("/statement/add/"):
                # exercise the widgets: calendar, clock, slug prefill, tag autocomplete
                page.fill("#id_title", "Новое заявление")
                for link in ("#calendarlink0", "#clocklink0"):
                    if page.locator(link).count():
                        page.click(link)
                page.click(".select2-selection", timeout=5000)
                page.keyboard.type("wa")
                page.wait_for_timeout(500)
                assert page.input_value("#id_slug")
            seen[path] = page.evaluate("window.__csp")
        browser.close()
    violations = {path: v for path, v in seen.items() if v}
    refused = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    assert violations == {} and refused == [], (violations, refused)
    assert not [m for m in console if m.startswith("pageerror")], console
