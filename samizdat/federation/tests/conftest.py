"""Federation test set-up: the site's URL is the live server's, loopback peers allowed, and
the Fedify peer (tests/peer/peer.mjs on @fedify/fedify from the npm registry)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

PEER = Path(__file__).parent / "peer" / "peer.mjs"
NPM_PREFIX = Path(os.environ.get("SAMIZDAT_NPM_PREFIX", Path.home() / ".cache" / "samizdat-npm"))


@pytest.fixture
def loopback(settings):
    settings.FEDERATION_ALLOW_PRIVATE = True
    return settings


@pytest.fixture
def site(live_server, loopback):
    """The live server is the site: ids and URLs are built from its address."""
    loopback.SITE_URL = live_server.url
    return live_server


@pytest.fixture
def fedify():
    """The npm prefix holding @fedify/fedify; skip without it unless SAMIZDAT_REQUIRE_TOOLS=1."""
    module = NPM_PREFIX / "node_modules" / "@fedify" / "fedify" / "dist" / "mod.js"
    if not shutil.which("node") or not module.exists():
        message = f"@fedify/fedify not installed under {NPM_PREFIX} (.ci/run installs it)"
        if os.environ.get("SAMIZDAT_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return NPM_PREFIX


def run_peer(prefix: Path, *args: str, timeout: float = 120) -> list[dict]:
    """Run the peer to its end; its JSON lines (fails the test with its output otherwise)."""
    done = subprocess.run(
        ["node", str(PEER), str(prefix), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0, (done.returncode, lines, done.stderr[-3000:])
    return lines


class Follower:
    """The peer in follow mode, read in a thread: wait_for(event) returns the first match."""

    def __init__(self, prefix: Path, actor_url: str):
        self.process = subprocess.Popen(
            ["node", str(PEER), str(prefix), "follow", actor_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[dict] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            if line.startswith("{"):
                with self.changed:
                    self.lines.append(json.loads(line))
                    self.changed.notify_all()

    def wait_for(self, predicate, timeout: float = 90) -> dict:
        with self.changed:
            self.changed.wait_for(
                lambda: (
                    next((line for line in self.lines if predicate(line)), None)
                    or self.process.poll() is not None
                ),
                timeout,
            )
            match = next((line for line in self.lines if predicate(line)), None)
        if match is None:
            stderr = self.process.stderr.read() if self.process.poll() is not None else ""
            raise AssertionError(f"peer never printed it: {self.lines}\n{stderr[-3000:]}")
        return match

    def send(self, command: str) -> None:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(10)


@pytest.fixture
def remote(loopback):
    from .remote import RemoteServer

    server = RemoteServer()
    yield server
    server.stop()
