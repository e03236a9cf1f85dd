"""`samizdat serve` keeps answering other readers while 100 slow clients hold connections.

The real server (gunicorn's asyncio worker, as `samizdat serve` runs it) on loopback with two
workers; a third of the slow clients send their headers a byte a second, a third their body,
a third ask for pages and never read. Bounded: about 10 s of holding, 15 s per request.
"""

import time

import pytest

from .server import Server, make_demo_site
from .slowclients import slow_clients, timed_get

STATEMENT = "/ru/statements/o-zaprete-partii/"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = make_demo_site(tmp_path_factory.mktemp("slow"))
    srv = Server(data_dir, workers=2)
    yield srv
    srv.stop()


def test_readers_are_served_while_100_slow_clients_hold_connections(server):
    with slow_clients(server.host, server.port, 100, "/ru/", STATEMENT) as held:
        assert len(held) == 100
        time.sleep(1)
        for path in ("/ru/", STATEMENT, "/ru/feeds/atom.xml", "/ru/", STATEMENT):
            status, _seconds = timed_get(server.host, server.port, path, timeout=15)
            assert status == 200, path
            time.sleep(1)
    # and after they are gone the server is still fine
    assert timed_get(server.host, server.port, "/ru/", timeout=15)[0] == 200


def test_sync_worker_is_the_one_that_stalls(tmp_path):
    """The comparison the default was chosen by: the sync worker with two workers stops
    answering while the same slow clients are held (so the test above can fail)."""
    import subprocess
    import sys

    from .server import cli_env, free_port

    data_dir = make_demo_site(tmp_path)
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "samizdat.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--no-worker",
        ],
        env=cli_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if timed_get("127.0.0.1", port, "/robots.txt", timeout=5)[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        with slow_clients("127.0.0.1", port, 100, "/ru/", STATEMENT):
            time.sleep(1)
            with pytest.raises(OSError):  # socket.timeout is an OSError
                timed_get("127.0.0.1", port, "/ru/", timeout=5)
    finally:
        import os
        import signal

        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
