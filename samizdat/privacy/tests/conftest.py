"""Fixtures: a media dir per test, Debian's exiftool, a fresh process key cache."""

from __future__ import annotations

import os
import shutil

import pytest

from samizdat.privacy import addresses


def require_tool(name: str, package: str) -> str:
    """The tool's path; skip without it unless SAMIZDAT_REQUIRE_TOOLS=1 (then fail)."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("SAMIZDAT_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{name} is required (SAMIZDAT_REQUIRE_TOOLS=1) but not installed")
        pytest.skip(f"{name} is not installed (Debian package `{package}`)")
    return path


@pytest.fixture
def exiftool():
    return require_tool("exiftool", "libimage-exiftool-perl")


@pytest.fixture
def age_tools():
    return require_tool("age", "age"), require_tool("age-keygen", "age")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _forget_process_keys():
    addresses._keys.clear()
    yield
    addresses._keys.clear()
