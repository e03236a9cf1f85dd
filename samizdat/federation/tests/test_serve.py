"""End to end as deployed: `samizdat serve` (gunicorn + `samizdat worker`, database task
queue) on 127.0.0.1, and Fedify as the follower. The Accept and the Create reach Fedify
through the worker, not inside a request."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from samizdat.core.tests.smtp import free_port

from .conftest import Follower as Peer
from .conftest import run_peer

PUBLISH = """
import django
django.setup()
from samizdat.publishing import lifecycle
from samizdat.publishing.tests.factories import make_statement
statement = make_statement("Заявление через очередь", status="draft", slug="cherez-ochered")
lifecycle.publish(statement)
print(statement.pk)
"""


def _environ(data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        SAMIZDAT_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="samizdat.settings",
        SAMIZDAT_SITE_URL=f"http://127.0.0.1:{port}",
        SAMIZDAT_FEDERATION_ALLOW_PRIVATE="1",
        SAMIZDAT_TASKS_BACKEND="database",
    )
    return env


def _answers(url: str) -> bool:
    request = urllib.request.Request(url, headers={"Accept": "application/activity+json"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_serve_and_worker_deliver_to_fedify(tmp_path, fedify):
    port = free_port()
    env = _environ(tmp_path, port)
    cli = [sys.executable, "-m", "samizdat.cli"]
    init = subprocess.run(
        [*cli, "init", "--no-static"], env=env, capture_output=True, text=True, timeout=300
    )
    assert init.returncode == 0, init.stderr
    serve = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    actor_url = f"http://127.0.0.1:{port}/ap/ru/"
    peer = None
    try:
        deadline = time.monotonic() + 60
        while not _answers(actor_url):
            assert time.monotonic() < deadline, "samizdat serve did not answer"
            time.sleep(0.3)
        [found] = run_peer(fedify, "lookup", actor_url)
        assert found["json"]["id"] == actor_url

        peer = Peer(fedify, actor_url)
        accept = peer.wait_for(lambda line: line.get("type") == "Accept", timeout=60)
        assert accept["actor"] == actor_url

        published = subprocess.run(
            [sys.executable, "-c", PUBLISH], env=env, capture_output=True, text=True, timeout=120
        )
        assert published.returncode == 0, published.stderr
        pk = published.stdout.split()[-1]
        create = peer.wait_for(lambda line: line.get("type") == "Create", timeout=60)
        assert create["object"]["id"] == f"http://127.0.0.1:{port}/ap/statements/{pk}/"
        assert create["object"]["name"] == "Заявление через очередь"
        lines = run_peer(fedify, "lookup", f"http://127.0.0.1:{port}/ap/ru/outbox/")
        assert lines[0]["json"]["totalItems"] == 1
    finally:
        if peer is not None:
            peer.stop()
        serve.terminate()
        serve.wait(timeout=30)
