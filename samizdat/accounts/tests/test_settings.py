"""The accounts settings as read from the environment (strictly), in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = (
    "import json, samizdat.settings as s; print(json.dumps([s.SESSION_COOKIE_SECURE, "
    "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.STAFF_SESSION_IDLE, "
    "s.STAFF_SESSION_MAX, s.OTP_WEBAUTHN_RP_ID, s.OTP_WEBAUTHN_ALLOWED_ORIGINS]))"
)


def settings_with(tmp_path, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SAMIZDAT_")}
    environ.update(SAMIZDAT_DATA_DIR=str(tmp_path), SAMIZDAT_SECRET_KEY="k" * 50, **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, timeout=60
    )


def test_https_site_gets_secure_cookies_and_its_own_passkey_origin(tmp_path):
    out = settings_with(
        tmp_path,
        SAMIZDAT_SITE_URL="https://steppe.example",
        SAMIZDAT_STAFF_SESSION_IDLE="600",
        SAMIZDAT_STAFF_SESSION_MAX="7200",
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [
        True,
        True,
        "Lax",
        600,
        7200,
        "steppe.example",
        ["https://steppe.example"],
    ]


def test_plain_http_site_gets_passkeys_at_localhost(tmp_path):
    out = settings_with(tmp_path, SAMIZDAT_SITE_URL="http://127.0.0.1:8000")
    assert json.loads(out.stdout)[0] is False
    assert json.loads(out.stdout)[5:] == ["localhost", ["http://localhost:8000"]]


def test_a_bad_session_lifetime_stops_the_start_up(tmp_path):
    for bad in ("0", "-5", "ten", "1.5"):
        out = settings_with(tmp_path, SAMIZDAT_STAFF_SESSION_IDLE=bad)
        assert out.returncode != 0
        assert f"SAMIZDAT_STAFF_SESSION_IDLE={bad!r} is not valid" in out.stderr
