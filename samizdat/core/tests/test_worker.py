"""`samizdat worker` and `samizdat serve` as processes: output, SIGTERM, dying with serve."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .smtp import free_port
from .test_cli import run


def environ(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SAMIZDAT_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="samizdat.settings")
    return env


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    result = run("init", "--no-static", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the live processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append((int(entry.name), cmdline))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_worker_shows_what_it_does_and_stops_on_sigterm(data_dir):
    worker = subprocess.Popen(
        [sys.executable, "-m", "samizdat.cli", "worker", "--interval", "0.2"],
        env=environ(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        while not any("periodic discussion.forget-unconfirmed: done" in x for x in lines):
            line = worker.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        assert "worker: DatabaseBackend queue" in lines[0]
        worker.send_signal(signal.SIGTERM)
        rest, _ = worker.communicate(timeout=15)
    finally:
        worker.kill()
    assert worker.returncode == 0
    assert "worker: SIGTERM received, stopping" in rest and "worker: stopped after" in rest


def test_worker_rejects_a_bad_interval(data_dir):
    result = run("worker", "--interval", "0", data_dir=data_dir)
    assert result.returncode == 2 and "--interval" in result.stderr


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_serve_starts_a_worker_that_dies_with_it(data_dir, how):
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "samizdat.cli", "serve", "--port", str(port), "--workers", "1"],
        env=environ(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ru/", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False

        assert wait_for(answers, 60), "serve did not answer"
        workers = [pid for pid, cmd in children(serve.pid) if "samizdat.cli worker" in cmd]
        assert len(workers) == 1, children(serve.pid)
        serve.send_signal(how)
        serve.wait(timeout=30)
        assert wait_for(lambda: not alive(workers[0]), 10), "the worker outlived serve"
    finally:
        serve.kill()
        serve.wait()


def test_serve_no_worker_starts_none(data_dir):
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "samizdat.cli", "serve", "--port", str(port), "--no-worker"],
        env=environ(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert "Serving on" in serve.stdout.readline()
        time.sleep(1)
        assert not [cmd for _pid, cmd in children(serve.pid) if "samizdat.cli worker" in cmd]
    finally:
        serve.terminate()
        serve.wait(timeout=30)


def test_a_failing_turn_does_not_end_the_worker(monkeypatch):
    from samizdat.core import worker as worker_module

    turns = []
    lines = []

    def flaky(self):
        turns.append(1)
        if len(turns) == 1:
            raise ConnectionError("database restarting")
        self.stop()

    monkeypatch.setattr(worker_module, "FAILURE_PAUSE", 0)
    monkeypatch.setattr(worker_module.Worker, "run_once", flaky)
    worker_module.Worker(interval=0.01, say=lines.append).run()
    assert len(turns) == 2
    assert any("turn failed (ConnectionError)" in line for line in lines)
