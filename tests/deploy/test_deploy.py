"""The documented deployment, end to end (`make test-deploy`; see tests/deploy/stack.py).

Once on SQLite with the default cache, once on PostgreSQL + Redis; every check goes over
HTTP(S) through the real nginx unless it says otherwise, and prints what it saw.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from .stack import USER, Install, Site, say, sh, wait_for_port

PG_DATABASE = os.environ.get("SAMIZDAT_DEPLOY_DATABASE", "samizdat_deploy")
REDIS_URL = os.environ.get("SAMIZDAT_DEPLOY_REDIS", "redis://127.0.0.1:6379/1")
ATTEMPTS = 10  # SAMIZDAT_COMMENT_RATE_ATTEMPTS in this test: 10 posts per client …
WINDOW = 10**9  # … in one window that no test run can straddle
ADMIN_PASSWORD = "deploy-test-Steppe-2026"


def prepare_postgres() -> str:
    """docs/deploy.md's createuser/createdb, as the postgres user; a rerun starts afresh."""
    pg = ["runuser", "-u", "postgres", "--"]
    roles = sh(*pg, "psql", "-Atc", f"SELECT 1 FROM pg_roles WHERE rolname = '{USER}'").stdout
    if not roles.strip():
        sh(*pg, "createuser", USER)
    exists = sh(*pg, "psql", "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'")
    if exists.stdout.strip():
        sh(*pg, "psql", "-c", f'ALTER DATABASE {PG_DATABASE} OWNER TO "{USER}"')
        reset = f'DROP SCHEMA public CASCADE; CREATE SCHEMA public AUTHORIZATION "{USER}"'
        sh(*pg, "psql", "-d", PG_DATABASE, "-c", reset)
    else:
        sh(*pg, "createdb", "-O", USER, PG_DATABASE)
    return f"postgres://{USER}@/{PG_DATABASE}"


@pytest.fixture(scope="module", params=["sqlite", "postgres+redis"])
def site(request, installed: Install):
    started = time.monotonic()
    extra = {
        "SAMIZDAT_COMMENT_RATE_ATTEMPTS": f"{ATTEMPTS}/{WINDOW}",
        "SAMIZDAT_SITE_NAME": "Open Steppe",
    }
    if request.param == "postgres+redis":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        extra.update(DATABASE_URL=prepare_postgres(), SAMIZDAT_CACHE_URL=REDIS_URL)
    root = installed.base / request.param.replace("+", "-")
    root.mkdir()
    root.chmod(0o755)
    site = Site(request.param, installed, root, extra)
    try:
        site.write_env()
        site.make_data_dir()
        init = site.site("init", "--admin-user", "chief", "--admin-password", ADMIN_PASSWORD)
        assert "Admin account 'chief': created." in init.stdout, init.stdout + init.stderr
        site.site("demo", "--no-serve")  # content to look at
        app = site.spawn_unit("samizdat.service")
        wait_for_port(site.app_port, app)
        site.spawn_unit("samizdat-worker.service")
        site.start_nginx()
        say(f"{request.param}: installed and serving in {time.monotonic() - started:.0f} s")
        yield site
    finally:
        site.stop()


def html(site: Site, path: str, **kwargs) -> str:
    status, _, body = site.request("GET", path, **kwargs)
    assert status == 200, (path, status)
    return body.decode()


# -- the installed package ------------------------------------------------------------------


def test_the_wheel_carries_compiled_catalogues(installed: Install):
    names = zipfile.ZipFile(installed.wheel).namelist()
    po = [n for n in names if n.endswith(".po")]
    mo = [n for n in names if n.endswith(".mo")]
    assert len(mo) == len(po) >= 6 and "samizdat/locale/ru/LC_MESSAGES/django.mo" in mo
    say(f"wheel: {len(mo)} .mo files for {len(po)} .po catalogues")


def test_the_app_runs_unprivileged_from_a_read_only_install(site: Site):
    pids = [p for p in os.listdir("/proc") if p.isdigit()]
    gunicorns = {}
    for pid in pids:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        app = {b"samizdat.asgi:application", b"samizdat.wsgi:application"} & set(cmdline)
        if app and str(site.app_port).encode() in b" ".join(cmdline):
            uid = int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1))
            ppid = int(re.search(r"^PPid:\s+(\d+)", status, re.M).group(1))
            gunicorns[int(pid)] = (uid, ppid)
    masters = [pid for pid, (_, ppid) in gunicorns.items() if ppid not in gunicorns]
    assert len(masters) == 1
    workers = [pid for pid, (_, ppid) in gunicorns.items() if ppid == masters[0]]
    assert len(workers) >= 2
    assert {uid for uid, _ in gunicorns.values()} == {site.install.uid}
    package = next(site.install.venv.glob("lib/python*/site-packages/samizdat"))
    writable = site.as_app(f"test -w {package} || test -w {package}/locale", check=False)
    assert writable.returncode != 0
    assert (package / "locale/ru/LC_MESSAGES/django.mo").stat().st_uid == 0
    say(f"{site.name}: gunicorn master + {len(workers)} workers as uid {site.install.uid} "
        f"({USER}); {package} not writable by it")  # fmt: skip


def _cmdline(pid: str) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]
    except OSError:
        return []


def test_the_worker_unit_runs_the_periodic_jobs(site: Site):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if "periodic core.purge-rate-counters: done" in site.app_log.read_text():
            break
        time.sleep(0.5)
    else:
        pytest.fail("the worker never ran core.purge-rate-counters:\n" + site.app_log.read_text())
    assert site.procs[1].poll() is None
    uids = {
        int(re.search(r"^Uid:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M).group(1))
        for pid in os.listdir("/proc")
        if pid.isdigit() and _cmdline(pid)[-2:] == [site.install.samizdat, "worker"]
    }
    assert uids == {site.install.uid}
    say(f"{site.name}: samizdat-worker.service runs (as {USER}); it purged spent rate counters")


def test_each_instance_has_its_own_control_socket(site: Site):
    run = site.data / "run" / f"serve-{site.app_port}"
    socket_path = run / "gunicorn.ctl"
    assert socket_path.is_socket() and socket_path.stat().st_uid == site.install.uid
    out = site.as_app(f"{site.install.venv}/bin/gunicornc -s {socket_path} -c 'show workers' -j")
    workers = json.loads(out.stdout)
    assert len(workers.get("workers", workers)) >= 2
    say(f"{site.name}: control socket {socket_path.relative_to(site.root)} answers")


def test_the_secret_key_is_written_once_and_private(site: Site):
    key = site.data / "secret_key"
    assert oct(key.stat().st_mode & 0o777) == "0o600" and key.stat().st_uid == site.install.uid
    say(f"{site.name}: secret_key 0600, owned by {USER}")


def test_no_trusted_proxy_warning_with_the_shipped_env(site: Site):
    ok = site.site("check")
    assert "samizdat.W001" not in ok.stdout + ok.stderr
    bad = site.as_app(f"SAMIZDAT_TRUSTED_PROXIES= {site.install.samizdat} check", check=False)
    assert "samizdat.W001" in bad.stdout + bad.stderr
    say(f"{site.name}: `samizdat check` clean; warns samizdat.W001 without trusted proxies")


# -- headers, redirect, languages -----------------------------------------------------------


def test_plain_http_redirects_to_https(site: Site):
    status, headers, _ = site.request("GET", "/ru/search/?q=x", https=False)
    assert status == 301 and headers["Location"] == "https://example.org/ru/search/?q=x"
    say(f"{site.name}: http → 301 {headers['Location']}")


def test_https_pages_carry_hsts_and_the_app_csp(site: Site):
    status, headers, _ = site.request("GET", "/ru/")
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert len(headers.get_all("Strict-Transport-Security")) == 1  # nginx's, not also the app's
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    say(f"{site.name}: /ru/ 200 with HSTS and CSP")


@pytest.mark.parametrize(("lang", "word"), [("ru", "Главная"), ("kk", "Басты бет"), ("en", "Home")])
def test_the_interface_is_translated(site: Site, lang, word):
    home = html(site, f"/{lang}/")
    statement = re.search(rf'href="(/{lang}/[^"/?#]+/[^"/?#]+/)"', home).group(1)
    assert f">{word}</a>" in html(site, statement)  # the breadcrumb
    say(f"{site.name}: {statement} shows {word!r}")


# -- static and media, served by nginx from the data directory -------------------------------


def test_fingerprinted_static_files_are_cached_for_a_year(site: Site):
    page = html(site, "/ru/")
    css = re.search(r'href="(/static/samizdat/site\.[0-9a-f]{12}\.css)"', page).group(1)
    status, headers, body = site.request("GET", css, headers={"Accept-Encoding": "identity"})
    assert status == 200 and headers["Content-Type"] == "text/css"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Strict-Transport-Security" in headers
    assert body == (site.data / css.lstrip("/")).read_bytes()
    _, gz_headers, _ = site.request("GET", css, headers={"Accept-Encoding": "gzip"})
    assert gz_headers["Content-Encoding"] == "gzip"
    status, plain, _ = site.request("GET", "/static/samizdat/site.css")
    assert status == 200 and plain["Cache-Control"] == "public, max-age=3600"
    say(f"{site.name}: {css} immutable for a year (gzip_static too); unhashed name 1 h")


def test_media_is_served_from_the_data_directory(site: Site):
    files = [p for p in (site.data / "media").rglob("*") if p.is_file()]
    assert files, "the demo content has images"
    path = "/" + str(files[0].relative_to(site.data))
    status, headers, body = site.request("GET", path)
    assert status == 200 and body == files[0].read_bytes()
    assert headers["Content-Type"].startswith("image/")
    assert headers["Cache-Control"] == "public, max-age=86400"
    assert site.request("GET", "/media/no-such-image.jpg")[0] == 404
    say(f"{site.name}: {path} served ({len(body)} bytes); a missing file 404")


# -- the client address behind nginx: rate-limit buckets --------------------------------------


@pytest.fixture(scope="module")
def comment_url(site: Site) -> str:
    for link in re.findall(r'href="(/ru/[^"?#]+/[^"?#]+/)"', html(site, "/ru/")):
        match = re.search(r'action="(/ru/comments/\d+/)', html(site, link))
        if match:
            return match.group(1)
    pytest.fail("no statement with an open comment form in the demo content")


def post(site: Site, url: str, source: str, forwarded: str | None = None) -> int:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    return site.request("POST", url, source=source, headers=headers, body=b"text=")[0]


def test_two_readers_have_separate_buckets_and_cannot_forge_theirs(site: Site, comment_url):
    first = [post(site, comment_url, "127.0.0.2") for _ in range(ATTEMPTS)]
    assert first == [400] * ATTEMPTS  # invalid posts, counted
    assert post(site, comment_url, "127.0.0.2") == 429
    assert post(site, comment_url, "127.0.0.3") == 400  # another reader, its own bucket
    # 127.0.0.2 claiming to be someone else is still 127.0.0.2 …
    assert post(site, comment_url, "127.0.0.2", forwarded="198.51.100.7") == 429
    assert post(site, comment_url, "127.0.0.2", forwarded="127.0.0.3, 10.0.0.1") == 429
    # … and 127.0.0.3 cannot buy a fresh bucket with a header either.
    spoofed = [
        post(site, comment_url, "127.0.0.3", forwarded=f"203.0.113.{i}") for i in range(ATTEMPTS)
    ]
    assert spoofed == [400] * (ATTEMPTS - 1) + [429]
    say(
        f"{site.name}: 127.0.0.2 limited after {ATTEMPTS} posts, 127.0.0.3 not; forged "
        f"X-Forwarded-For changed neither bucket ({ATTEMPTS - 1} more for .3, then 429)"
    )


def test_parallel_posts_through_several_workers_are_counted_exactly(site: Site, comment_url):
    threads, each = 8, 3
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        statuses = list(
            pool.map(lambda _: post(site, comment_url, "127.0.0.4"), range(threads * each))
        )
    assert statuses.count(400) == ATTEMPTS and statuses.count(429) == threads * each - ATTEMPTS
    store = counters(site)
    say(f"{site.name}: {threads}×{each} parallel posts from 127.0.0.4: exactly "
        f"{statuses.count(400)} let through, {statuses.count(429)} refused (limit {ATTEMPTS}); "
        f"counters in {store}")  # fmt: skip


def counters(site: Site) -> str:
    if site.name == "postgres+redis":
        import redis

        keys = redis.Redis.from_url(REDIS_URL).keys("*ratelimit:attempt*")
        assert len(keys) >= 3  # .2, .3, .4 (address hashes, never addresses)
        return f"Redis ({len(keys)} attempt counters)"
    query = "SELECT count(*) FROM core_ratecounter WHERE key LIKE 'ratelimit:attempt:%'"
    out = site.as_app(
        f'{site.install.venv}/bin/python -c "import sqlite3; print(sqlite3.connect('
        f'\'{site.data}/samizdat.sqlite3\').execute(\\"{query}\\").fetchone()[0])"'
    )
    assert int(out.stdout) >= 3
    return f"the database ({out.stdout.strip()} attempt counters)"


def test_logs_carry_no_client_addresses(site: Site):
    site.request("GET", "/ru/", source="127.0.0.5")
    time.sleep(0.3)
    access = site.access_log.read_text()
    app = site.app_log.read_text()
    assert access.count("\n") > 50 and '"GET /ru/ HTTP/' in access
    for address in ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"):
        assert address not in access and address not in app
    lines = access.count("\n")
    say(f"{site.name}: {lines} nginx access-log lines and the app log: no client address")


def test_units_pass_systemd_analyze(installed: Install, tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("no systemd-analyze")
    for name in ("samizdat.service", "samizdat-worker.service"):
        text = (Path(__file__).resolve().parents[2] / "deploy" / "systemd" / name).read_text()
        text = text.replace("/srv/samizdat/venv", str(installed.venv))
        text = text.replace("User=samizdat", f"User={USER}").replace(
            "Group=samizdat", f"Group={USER}"
        )
        (tmp_path / name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(p) for p in tmp_path.glob("*.service"))],
        capture_output=True,
        text=True,
    )
    problems = [line for line in result.stderr.splitlines() if str(tmp_path) in line]
    assert not problems, result.stderr
    say("systemd-analyze verify: no complaint about either unit")


def test_the_upgrade_steps_keep_the_key_and_the_site(site: Site):
    key = (site.data / "secret_key").read_text()
    pip = str(site.install.venv / "bin" / "pip")
    sh(pip, "install", "-q", "--force-reinstall", "--no-deps", str(site.install.wheel))
    again = site.site("init")
    assert "Secret key kept" in again.stdout and "Database migrated" in again.stdout
    assert (site.data / "secret_key").read_text() == key
    assert site.request("GET", "/ru/")[0] == 200
    say(f"{site.name}: reinstall + `samizdat-site init` again: key kept, site answers")
