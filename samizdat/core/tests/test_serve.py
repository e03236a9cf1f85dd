"""Two `samizdat serve` instances on one host keep their own gunicorn control sockets."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(data_dir: Path, port: int, home: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMIZDAT_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        HOME=str(home),
        XDG_RUNTIME_DIR=str(home),
        SAMIZDAT_DATA_DIR=str(data_dir),
        SAMIZDAT_SECRET_KEY="serve-test",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "samizdat.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def answers(sock: Path) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        result = subprocess.run(
            [str(BIN / "gunicornc"), "-s", str(sock), "-c", "show workers", "-j"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if result.returncode == 0 and json.loads(result.stdout):
            return True
        time.sleep(0.3)
    return False


def test_each_instance_has_its_own_control_socket(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    ports = [free_port(), free_port()]
    dirs = [tmp_path / "a", tmp_path / "b"]
    procs = [serve(d, p, home) for d, p in zip(dirs, ports, strict=True)]
    try:
        sockets = [
            d / "run" / f"serve-{p}" / "gunicorn.ctl" for d, p in zip(dirs, ports, strict=True)
        ]
        assert all(answers(s) for s in sockets)
        assert not list(home.rglob("*.ctl"))  # nothing in the shared per-user place
        os.killpg(procs[1].pid, signal.SIGTERM)
        procs[1].wait(timeout=30)
        assert answers(sockets[0])  # stopping one leaves the other's socket alone
        assert not sockets[1].exists()
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
