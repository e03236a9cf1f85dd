"""Fixtures: staff accounts, a movable throttle clock, TOTP codes, Debian's oathtool."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from samizdat.core import ratelimit
from samizdat.core.tests.clock import Clock

PASSWORD = "correct horse battery staple 2026"


def _day_start_clock() -> Clock:
    """Just after a day boundary, so the day-long sliding windows of a test never straddle two
    fixed windows (exact, repeatable counts)."""
    return Clock(start=int(time.time()) // 86400 * 86400 + 60)


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English (the ru and kk catalogues are checked on their own)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = _day_start_clock()
    monkeypatch.setattr(ratelimit, "clock", c)
    return c


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "editor", "editor@example.org", PASSWORD, is_staff=True
    )


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@example.org", PASSWORD)


@pytest.fixture
def totp(staff):
    return TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)


def totp_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The device's code for now (+ offset windows), computed as an authenticator app does."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():06d}"


def sign_in_password(client, username=None, password=PASSWORD, address="192.0.2.10"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def oathtool():
    path = shutil.which("oathtool")
    if path is None:
        message = "Debian oathtool is not installed (apt-get install oathtool)"
        if os.environ.get("SAMIZDAT_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)

    def code(secret_b32: str) -> str:
        out = subprocess.run(
            [path, "--totp", "-b", secret_b32], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()

    return code
