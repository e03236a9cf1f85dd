"""Real sign-ins in Debian Chromium against a live server on a loopback port: password +
TOTP from Debian's oathtool, and a passkey in Chromium's virtual authenticator."""

from __future__ import annotations

import re

import pytest
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice

from samizdat.accounts import factors
from samizdat.accounts.models import AuditEntry
from samizdat.core.tests.browser import launch, require_browser

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings):
    """The live server at http://localhost:PORT (a host name WebAuthn accepts)."""
    assert live_server.url.startswith("http://localhost:")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return live_server.url


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_playwright = require_browser()
    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()
        # The ORM calls made while Playwright ran had their own connection: close it, or
        # PostgreSQL cannot drop the test database afterwards.
        connections.close_all()


def open_page(browser, problems):
    context = browser.new_context()
    page = context.new_page()
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 500 else None
    )
    return context, page


def password_step(page, site, username):
    page.goto(f"{site}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_enrol_and_sign_in_with_a_code_from_oathtool(site, browser, staff, oathtool):
    problems = []
    context, page = open_page(browser, problems)
    password_step(page, site, "editor")
    page.wait_for_url(re.compile("/admin/2fa/enrol/"))
    assert page.locator(".accounts-qr svg").count() == 1
    secret = page.locator("#totp-secret").inner_text()
    assert page.locator("#totp-uri").inner_text().startswith("otpauth://totp/")
    page.fill("#id_code", oathtool(secret))
    page.click(".accounts-totp button[type=submit]")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.locator("#content-main a.button").click()
    page.wait_for_url(f"{site}/admin/")
    assert page.locator("#site-name").count() == 1
    assert problems == []
    context.close()


def test_password_and_totp_sign_in(site, browser, staff, oathtool):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    problems = []
    context, page = open_page(browser, problems)
    password_step(page, site, "editor")
    page.wait_for_url(re.compile("/admin/2fa/verify/"))
    page.fill("#id_code", oathtool(factors.totp_secret(device)))
    page.click("form button[type=submit].default")
    page.wait_for_url(f"{site}/admin/")
    assert page.locator("#user-tools").inner_text().upper().count("EDITOR") == 1
    assert problems == []
    assert AuditEntry.objects.filter(action="signin.success", details={"method": "totp"}).exists()
    context.close()


def add_virtual_authenticator(context, page):
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def sign_out(page):
    """Our pages' sign-out leads to the login page; the admin's to its "logged out" page."""
    with page.expect_navigation():
        page.click("#user-tools button[type=submit]")
    page.goto(page.url.split("/admin/")[0] + "/admin/")
    page.wait_for_url(re.compile("/admin/login/"))


def test_passkey_registration_and_sign_in(site, browser, staff, settings):
    problems = []
    context, page = open_page(browser, problems)
    add_virtual_authenticator(context, page)
    password_step(page, site, "editor")
    page.wait_for_url(re.compile("/admin/2fa/enrol/"))
    page.click("#passkey-register-button")
    page.wait_for_url(re.compile("/admin/2fa/codes/"))
    assert page.locator("#recovery-codes li").count() == 10
    assert factors.has_passkey(staff)
    assert AuditEntry.objects.filter(action="2fa.enrolled", details={"method": "passkey"}).exists()
    sign_out(page)

    password_step(page, site, "editor")
    page.wait_for_url(re.compile("/admin/2fa/verify/"))
    page.click("#passkey-verification-button")
    page.wait_for_url(f"{site}/admin/")
    assert AuditEntry.objects.filter(
        action="signin.success", details={"method": "passkey"}
    ).exists()
    sign_out(page)

    # An assertion made for this origin, checked by a server that expects another one.
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["https://elsewhere.example"]
    password_step(page, site, "editor")
    page.wait_for_url(re.compile("/admin/2fa/verify/"))
    page.click("#passkey-verification-button")
    status = page.locator("#passkey-verification-status-message")
    status.wait_for(state="visible")
    for _ in range(100):  # (wait_for_function would need 'unsafe-eval', which our CSP refuses)
        if status.inner_text().strip():
            break
        page.wait_for_timeout(100)
    assert "/admin/2fa/verify/" in page.url
    assert "made for another site" in status.inner_text()
    assert AuditEntry.objects.filter(action="signin.failed", details__stage="passkey").exists()
    assert problems == []
    context.close()
