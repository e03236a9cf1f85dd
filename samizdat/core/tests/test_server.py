"""Through the real server (``samizdat serve``: gunicorn, 2 workers, SQLite): conditional GETs,
no stale 304 after a change made by another process, feeds with feedparser, methods, headers
that look like WSGI variables, hostile media names, and the https redirect with HSTS."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from .server import Server, cli, make_demo_site

STATEMENT = "/ru/statements/o-zaprete-partii/"
PAGES = ["/ru/", "/ru/statements/", "/ru/feeds/atom.xml", "/sitemap.xml", "/robots.txt"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return make_demo_site(tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="module")
def server(data_dir):
    server = Server(data_dir, workers=2)
    yield server
    server.stop()


def test_conditional_gets_answer_304(server):
    for path in [*PAGES, STATEMENT]:
        status, headers, body = server.request("GET", path)
        assert status == 200, path
        assert "etag" in headers, path
        hits = {
            server.request("GET", path, {"If-None-Match": headers["etag"]})[0] for _ in range(4)
        }
        assert hits == {304}, (path, hits)  # whichever worker answers


def test_statement_page_is_private_and_others_public(server):
    _s, headers, _b = server.request("GET", STATEMENT)
    assert headers["cache-control"] == "private, no-cache"
    assert "set-cookie" not in headers
    for path in PAGES:
        _s, headers, _b = server.request("GET", path)
        assert headers["cache-control"] == "public, no-cache", path
        assert "set-cookie" not in headers and "cookie" not in headers.get("vary", "").lower()


def test_no_stale_304_after_a_change_in_another_process(server, data_dir):
    _s, home, _b = server.request("GET", "/ru/")
    _s, page, _b = server.request("GET", STATEMENT)
    cli(
        data_dir,
        "shell",
        "-c",
        "from samizdat.publishing.models import Statement; "
        "s = Statement.objects.get(language='ru', slug='o-zaprete-partii'); "
        "s.title = 'О запрете партии (дополнено)'; s.save()",
    )
    for path, before in (("/ru/", home), (STATEMENT, page)):
        status, _h, body = server.request(
            "GET",
            path,
            {"If-None-Match": before["etag"], "If-Modified-Since": before.get("last-modified", "")},
        )
        assert status == 200, path
        assert "(дополнено)" in body.decode(), path


def test_comment_approved_shows_on_next_conditional_get(server, data_dir):
    _s, before, _b = server.request("GET", STATEMENT)
    assert server.request("GET", STATEMENT, {"If-None-Match": before["etag"]})[0] == 304
    cli(
        data_dir,
        "shell",
        "-c",
        "from samizdat.discussion.models import Comment; "
        "from samizdat.publishing.models import Statement; "
        "s = Statement.objects.get(language='ru', slug='o-zaprete-partii'); "
        "Comment.objects.create(statement=s, language='ru', name='Проверка кэша', "
        "text='Видно сразу.', status='approved')",
    )
    status, _h, body = server.request("GET", STATEMENT, {"If-None-Match": before["etag"]})
    assert status == 200 and "Проверка кэша" in body.decode()


def test_feedparser_gets_304_with_etag_and_modified(server):
    import feedparser

    for path in ("/ru/feeds/atom.xml", "/ru/feeds/rss.xml", "/ru/feeds/statements/atom.xml"):
        first = feedparser.parse(server.url + path)
        assert first.status == 200 and first.entries, path
        assert first.etag and first.modified
        by_etag = feedparser.parse(server.url + path, etag=first.etag)
        by_date = feedparser.parse(server.url + path, modified=first.modified)
        assert by_etag.status == 304 and by_date.status == 304, path
        assert not by_etag.entries


def test_options_and_trace(server):
    status, headers, body = server.request("OPTIONS", "/ru/")
    assert status == 204 and headers["allow"] == "GET, HEAD, OPTIONS" and body == b""
    status, headers, body = server.request("TRACE", "/ru/", {"X-Echo": "secret-value"})
    assert status == 405 and b"secret-value" not in body and b"<html" not in body


@pytest.mark.parametrize(
    "name, value",
    [
        ("SCRIPT_NAME", "/ru"),
        ("SCRIPT_NAME", "/evil"),
        ("PATH_INFO", "/admin/"),
        ("X-Script-Name", "/evil"),
        ("X-Forwarded-Prefix", "/evil"),
        ("X-Forwarded-Host", "evil.example"),
    ],
)
def test_wsgi_looking_headers_change_no_url(server, name, value):
    status, headers, _b = server.request("GET", "/", {name: value})
    assert status == 302 and headers["location"] == "/ru/", (name, headers)
    status, _h, body = server.request("GET", "/ru/", {name: value})
    assert status == 200, name
    text = body.decode()
    assert "/evil" not in text and "evil.example" not in text
    assert 'href="/ru/statements/"' in text


@pytest.mark.parametrize(
    "path",
    [
        "/media/" + "a" * 300 + ".jpg",
        "/media/" + "a" * 5000 + ".jpg",
        "/media/images/../../secret_key",
        "/media/..%2f..%2fsecret_key",
        "/media/%2e%2e/secret_key",
    ],
)
def test_hostile_media_names_are_404(server, path):
    status, _h, body = server.request("GET", path)
    assert status == 404, (path[:60], status)
    assert b"secret" not in body or b"<html" in body


def test_media_name_with_nul_is_400(server):
    assert server.request("GET", "/media/a%00.jpg")[0] == 400


@pytest.fixture(scope="module")
def https_server(data_dir):
    server = Server(
        data_dir, workers=1, SAMIZDAT_SITE_URL="https://samizdat.example", SAMIZDAT_BEHIND_PROXY="1"
    )
    yield server
    server.stop()


def test_https_site_redirects_plain_http_to_its_own_address(https_server):
    for host in ("samizdat.example", "127.0.0.1"):
        status, headers, _b = https_server.request("GET", "/ru/?x=1", {"Host": host})
        assert status == 301
        assert headers["location"] == "https://samizdat.example/ru/?x=1"
        assert "strict-transport-security" not in headers  # only over https


def test_https_requests_get_hsts(https_server):
    proxied = {"Host": "samizdat.example", "X-Forwarded-Proto": "https"}
    status, headers, _b = https_server.request("GET", "/ru/", proxied)
    assert status == 200
    assert headers["strict-transport-security"] == "max-age=31536000"
    assert https_server.request("GET", "/ru/", {**proxied, "Host": "evil.example"})[0] == 400


def test_restart_keeps_validators(data_dir, server):
    """Another server on the same data gives the same ETags: nothing is per process."""
    time.sleep(0.1)
    _s, first, _b = server.request("GET", "/ru/")
    other = Server(data_dir, workers=1)
    try:
        _s, second, _b = other.request("GET", "/ru/")
    finally:
        other.stop()
    assert first["etag"] == second["etag"]


def test_content_version_bumps_are_exact_across_processes(data_dir):
    """4 processes × 25 bumps at once on the served SQLite database: exactly 100 counted."""
    import subprocess
    import sys

    from .server import cli_env

    read = "from samizdat.caching.versions import read; print(read().site.version)"
    before = int(cli(data_dir, "shell", "-c", read).stdout.split()[-1])
    script = "from samizdat.caching.versions import bump\nfor _ in range(25): bump('site')"
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "samizdat.cli", "shell", "-c", script],
            env=cli_env(data_dir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert all(run.returncode == 0 for run in runs), errors
    after = int(cli(data_dir, "shell", "-c", read).stdout.split()[-1])
    assert after - before == 100


def _worker_sockets(master: int) -> dict[int, set[str]]:
    """Each gunicorn worker's socket inodes (Linux /proc)."""
    workers = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if f"\nPPid:\t{master}\n" not in status.read_text():
                continue
            fds = list((status.parent / "fd").iterdir())
        except OSError:
            continue
        links = set()
        for fd in fds:
            try:
                links.add(os.readlink(fd))
            except OSError:
                pass
        workers[int(status.parent.name)] = {x[8:-1] for x in links if x.startswith("socket:[")}
    return workers


def _server_side_inodes(server_port: int, client_ports: set[int]) -> set[str]:
    """Inodes of the server's ends of our connections (/proc/net/tcp: local → remote, hex)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        remote_port = int(fields[2].rsplit(":", 1)[1], 16)
        if local_port == server_port and remote_port in client_ports:
            inodes.add(fields[9])
    return inodes


def _burst_shares(server) -> list[int]:
    """Open 16 kept-alive connections at once (as wrk does), one request on each: how many
    each worker holds."""
    import http.client
    import socket

    conns = [http.client.HTTPConnection(server.host, server.port, timeout=20) for _ in range(16)]
    try:
        for conn in conns:  # all 16 connects in flight at once
            conn.sock = socket.socket()
            conn.sock.setblocking(False)
            conn.sock.connect_ex((server.host, server.port))
        for conn in conns:
            conn.sock.settimeout(20)
            conn.request("GET", "/robots.txt")
        for conn in conns:
            response = conn.getresponse()
            assert response.status == 200
            response.read()
        ours = _server_side_inodes(server.port, {c.sock.getsockname()[1] for c in conns})
        assert len(ours) == 16
        return sorted(len(ours & inodes) for inodes in _worker_sockets(server.process.pid).values())
    finally:
        for conn in conns:
            conn.close()


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
def test_a_burst_of_connections_is_shared_by_both_workers(server):
    """A burst of kept-alive connections (wrk, nginx's upstream pool) goes to both workers;
    asyncio alone lets the first worker to wake accept all of it (gunicorn_worker.py).
    Timing decides each burst, so five tries: measured, gunicorn's own asyncio worker put
    ≥ 15 of 16 on one worker in 8 of 8 bursts, FairAcceptWorker in 1 of 8 (and in 3 of 3
    once, in a full suite run on a busy machine)."""
    deadline = time.monotonic() + 30
    log = Path(server.log.name)
    while log.read_text().count("ASGI server listening on") < 2:  # both workers are serving
        assert time.monotonic() < deadline, log.read_text()[-2000:]
        time.sleep(0.2)
    tries = []
    for _ in range(5):
        shares = _burst_shares(server)
        assert sum(shares) == 16 and len(shares) == 2, shares
        tries.append(shares)
        if shares[0] >= 3:
            return
    raise AssertionError(f"one worker took (nearly) every connection each time: {tries}")
