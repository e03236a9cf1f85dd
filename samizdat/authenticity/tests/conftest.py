"""Fixtures: a throwaway key directory, fast scrypt limits and the stock minisign binary."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from samizdat.authenticity import keys, minisign

FAST_OPSLIMIT = 524288  # N=2^14: the same code path as minisign's defaults, 1000× cheaper
FAST_MEMLIMIT = 16777216


@pytest.fixture
def key_dir(settings, tmp_path):
    settings.SIGNING_KEY_DIR = tmp_path / "keys"
    settings.SIGNING_KEY_PASSPHRASE = ""
    return settings.SIGNING_KEY_DIR


@pytest.fixture
def fast_kdf(monkeypatch):
    monkeypatch.setattr(minisign, "OPSLIMIT", FAST_OPSLIMIT)
    monkeypatch.setattr(minisign, "MEMLIMIT", FAST_MEMLIMIT)


@pytest.fixture
def site_key(key_dir):
    """An unencrypted site key pair in the throwaway key directory."""
    return keys.generate_site_key(None)


@pytest.fixture
def stock_minisign():
    """Path of the stock minisign binary; skip without it unless SAMIZDAT_REQUIRE_TOOLS=1."""
    path = shutil.which("minisign")
    if path is None:
        if os.environ.get("SAMIZDAT_REQUIRE_TOOLS") == "1":
            pytest.fail("minisign is required (SAMIZDAT_REQUIRE_TOOLS=1) but not installed")
        pytest.skip("the stock minisign binary is not installed (Debian package `minisign`)")
    return path


@pytest.fixture
def run_minisign(stock_minisign):
    def run(*args: str, input: str | None = None, cwd=None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [stock_minisign, *args],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=120,
        )

    return run


@pytest.fixture
def sign(site_key):
    """Sign a published statement with the (unencrypted) test key, as `samizdat sign` does."""
    from samizdat.authenticity import signing

    def sign_it(statement):
        signing.sign_statement(statement, keys.load_secret_key(""), force=True)
        return statement

    return sign_it


def _staff(django_user_model, name: str):
    return django_user_model.objects.create_superuser(name, password="long-enough-pass-12")


@pytest.fixture
def editor(client, db, django_user_model):
    """A staff client whose session passed a real TOTP check (django-otp)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = _staff(django_user_model, "editor")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert device.verify_token(f"{totp.token():0{device.digits}d}")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin's messages checked in English
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def password_only(client, db, django_user_model):
    """A staff client signed in with the password alone (no second factor in this session)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(_staff(django_user_model, "phished"))
    return client
