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
