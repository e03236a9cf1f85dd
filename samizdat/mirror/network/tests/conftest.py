"""A small site, a site key, a data directory with mirrors.toml, real servers on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.core.cache import cache

from samizdat.authenticity import keys
from samizdat.publishing.tests.factories import make_section, make_statement


def tool(name: str, hint: str) -> str:
    """A tool's path; skip without it unless SAMIZDAT_REQUIRE_TOOLS=1 (then fail)."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("SAMIZDAT_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{name} is required (SAMIZDAT_REQUIRE_TOOLS=1) but not installed ({hint})")
        pytest.skip(f"{name} is not installed ({hint})")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc=None, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.SIGNING_KEY_DIR = tmp_path / "keys"
    settings.SIGNING_KEY_PASSPHRASE = ""
    settings.MIRROR_NETWORK_CONFIG = ""
    keys.generate_site_key(None)
    return settings.DATA_DIR


@pytest.fixture
def small_site(db):
    cache.clear()
    news = make_section("news", name_ru="Новости", name_kk="Жаңалықтар", name_en="News")
    made = [
        make_statement(f"Заявление {i}", section=news, slug=f"z{i}", body=f"Текст {i}.")
        for i in range(3)
    ]
    made.append(make_statement("Statement", language="en", section=news, slug="s-en"))
    return made


@pytest.fixture
def write_config(data_dir):
    def write(targets: str, extra: str = "") -> Path:
        path = data_dir / "mirrors.toml"
        path.write_text(
            f'export_dir = "{data_dir / "export"}"\nbase_url = "https://samizdat.example"\n'
            f"{extra}\n{targets}",
            encoding="utf-8",
        )
        return path

    return write


@pytest.fixture
def rsync_daemon(tmp_path):
    """Debian's rsync as a daemon on a loopback port, module ``mirror`` (read-write)."""
    binary = tool("rsync", "apt-get install rsync")
    root = tmp_path / "rsync-root"
    root.mkdir()
    port = free_port()
    conf = tmp_path / "rsyncd.conf"
    conf.write_text(
        f"use chroot = no\npid file = {tmp_path / 'rsyncd.pid'}\n"
        f"[mirror]\n  path = {root}\n  read only = no\n  uid = root\n  gid = root\n"
    )
    proc = subprocess.Popen(
        [
            binary,
            "--daemon",
            "--no-detach",
            f"--config={conf}",
            f"--port={port}",
            "--address=127.0.0.1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port, proc)
        yield f"rsync://127.0.0.1:{port}/mirror/", root
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def s3_server(monkeypatch):
    """moto's S3 server (ThreadedMotoServer) on a loopback port and a bucket in it."""
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError:
        if os.environ.get("SAMIZDAT_REQUIRE_TOOLS") == "1":
            pytest.fail("moto[server] and boto3 are required (SAMIZDAT_REQUIRE_TOOLS=1)")
        pytest.skip("moto[server] is not installed")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="mirror")
    try:
        yield endpoint, client
    finally:
        server.stop()
