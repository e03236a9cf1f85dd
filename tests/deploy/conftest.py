"""The installed wheel, shared by every deployment test module (one build per session)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from .stack import install


@pytest.fixture(scope="session")
def installed():
    if os.geteuid() != 0 or not shutil.which("nginx"):
        if os.environ.get("SAMIZDAT_REQUIRE_TOOLS") == "1":
            pytest.fail("the deployment test needs root and Debian's nginx")
        pytest.skip("the deployment test needs root and nginx (apt-get install nginx)")
    base = Path(tempfile.mkdtemp(prefix="samizdat-deploy-"))
    try:
        yield install(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)
