"""Headless Debian Chromium through Playwright, for tests that need a real browser."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def require_browser():
    """Return playwright's sync API, or skip (fail under SAMIZDAT_REQUIRE_TOOLS=1)."""
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "playwright is not installed"
    if not missing and not os.path.exists(CHROMIUM):
        missing = "Debian chromium is not installed (apt-get install chromium)"
    if missing:
        if os.environ.get("SAMIZDAT_REQUIRE_TOOLS") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    return sync_playwright


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
