"""The passkey endpoints with hostile bodies: a clear JSON refusal, audited, never a 500."""

from __future__ import annotations

import json

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from samizdat.accounts.models import AuditEntry

from .conftest import sign_in_password

pytestmark = pytest.mark.django_db
BASE = "/admin/2fa/webauthn/authentication/"

BODIES = [
    b"",
    b"not json",
    b"[]",
    b'{"id": "AAAA"}',
    b'{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}',
    json.dumps(
        {
            "id": "AAAA",
            "rawId": "AAAA",
            "type": "public-key",
            "response": {
                "authenticatorData": "!!",
                "clientDataJSON": "e30",
                "signature": "AAAA",
            },
        }
    ).encode(),
    b'{"id": "\\u0000", "rawId": 5}',
]


@pytest.fixture
def with_passkey(staff):
    WebAuthnCredential.objects.create(
        user=staff,
        name="key",
        confirmed=True,
        credential_id=b"\x01" * 16,
        public_key=b"\x02" * 77,
        sign_count=0,
    )


@pytest.mark.parametrize("body", BODIES)
def test_garbage_assertions_are_refused_clearly(client, staff, with_passkey, body):
    sign_in_password(client, "editor")
    begin = client.post(f"{BASE}begin/", content_type="application/json")
    assert begin.status_code == 200 and "challenge" in begin.json()
    response = client.post(f"{BASE}complete/", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/verify/")
    assert AuditEntry.objects.filter(action="signin.failed", details__stage="passkey").exists()


def test_completing_without_beginning_is_refused(client, staff, with_passkey):
    sign_in_password(client, "editor")
    response = client.post(f"{BASE}complete/", b"{}", content_type="application/json")
    assert response.status_code == 400 and "begin" in response.json()["detail"].lower()


def test_anonymous_and_passwordless_use_is_refused(client, with_passkey):
    assert client.post(f"{BASE}begin/", content_type="application/json").status_code in (401, 403)
