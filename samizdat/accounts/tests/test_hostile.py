"""Hostile strings in every sign-in field: refused or failed cleanly, never a 500, never echoed
as markup."""

from __future__ import annotations

import pytest

from samizdat.discussion.tests.hostile import HOSTILE

from .conftest import sign_in_password

pytestmark = pytest.mark.django_db


def test_hostile_names_and_passwords(client, staff, clock):
    for text in HOSTILE:
        response = sign_in_password(client, text, text, address="192.0.2.77")
        assert response.status_code in (200, 400), text
        assert "<script>alert" not in response.content.decode()
        clock.advance(400)  # past any delay; lockouts may still come, which is fine


def test_hostile_codes_and_next_urls(client, staff, totp, clock):
    sign_in_password(client, "editor")
    for text in HOSTILE:
        response = client.post(
            "/admin/2fa/verify/?next=" + "javascript:alert(1)",
            {"code": text, "next": text},
            REMOTE_ADDR="192.0.2.78",
        )
        assert response.status_code in (200, 302, 400), text
        if response.status_code == 302:
            assert response["Location"].startswith("/")
        assert "<script>alert" not in response.content.decode()
        clock.advance(400)
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/verify/")
