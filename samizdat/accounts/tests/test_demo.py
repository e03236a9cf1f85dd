"""The demo admin's TOTP device: kept like the password, usable with Debian's oathtool."""

from __future__ import annotations

import stat

import pytest

from samizdat.accounts import demo, factors

pytestmark = pytest.mark.django_db


def test_demo_admin_gets_a_totp_device_that_oathtool_can_answer(settings, tmp_path, oathtool):
    settings.DATA_DIR = tmp_path
    from django.contrib.auth.models import User

    User.objects.create_superuser("admin", "admin@example.org", "demo password 2026")
    text = demo.demo_admin_totp()
    device = demo.ensure_demo_totp()
    secret = factors.totp_secret(device)
    assert f"oathtool --totp -b {secret}" in text and device.config_url in text
    kept = tmp_path / "demo-admin-totp"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert kept.read_text().split() == [secret, device.config_url]
    assert device.verify_token(oathtool(secret))
    # a fresh database in the same data directory keeps the secret the operator already has
    device.delete()
    assert factors.totp_secret(demo.ensure_demo_totp()) == secret
