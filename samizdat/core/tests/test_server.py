"""Through the real server (``samizdat serve``: gunicorn, 2 workers, SQLite): conditional GETs,
no stale 304 after a change made by another process, feeds with feedparser, methods, headers
that look like WSGI variables, hostile media names, and the https redirect with HSTS."""

from __future__ import annotations

import time

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
