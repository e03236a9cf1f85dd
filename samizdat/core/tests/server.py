"""The real app server for tests: ``samizdat serve`` (gunicorn) on a loopback port the test picks,
on a throwaway data directory with the demo content."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

STARTUP_SECONDS = 30


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def cli_env(data_dir: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMIZDAT_")}
    env.pop("DATABASE_URL", None)
    env.update(SAMIZDAT_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="samizdat.settings")
    env.update(extra)
    return env


def cli(data_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "samizdat.cli", *args],
        env=cli_env(data_dir, **extra),
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def make_demo_site(data_dir: Path) -> Path:
    cli(data_dir, "demo", "--no-serve")
    return data_dir


class Server:
    """``samizdat serve`` in its own process group; ``stop()`` ends exactly that group."""

    def __init__(self, data_dir: Path, workers: int = 2, *, mail_worker: bool = False, **env: str):
        self.host, self.port = "127.0.0.1", free_port()
        self.log = open(data_dir / f"serve-{self.port}.log", "w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "samizdat.cli",
                "serve",
                "--host",
                self.host,
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ]
            + ([] if mail_worker else ["--no-worker"]),
            env=cli_env(data_dir, **env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._wait()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _wait(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                status, _h, _b = self.request("GET", "/robots.txt")
                if status < 500:
                    return
            except OSError:
                time.sleep(0.2)
        self.log.seek(0)
        raise RuntimeError(f"server did not start:\n{self.log.read()[-3000:]}")

    def request(self, method: str, path: str, headers: dict | None = None, body=None):
        """A raw request (the path goes out byte for byte); returns (status, headers, body)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=20)
        try:
            headers = headers or {}
            skip_host = any(name.lower() == "host" for name in headers)
            conn.putrequest(method, path, skip_host=skip_host, skip_accept_encoding=True)
            for name, value in headers.items():
                conn.putheader(name, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            response = conn.getresponse()
            return (
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()
