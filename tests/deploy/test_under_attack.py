"""The "under attack" mode of deploy/nginx/samizdat.conf, for real (docs/deploy.md).

One SQLite site from the shipped files, with only the mode's switch turned on: the worker
exports the mirror into SAMIZDAT_MIRROR_DIR, nginx serves public GETs from it and passes the
comment form, comment POSTs and the live search to the app — and keeps serving the pages when
the app is down.
"""

from __future__ import annotations

import os
import re
import signal
import time

import pytest

from .stack import Install, Site, say, wait_for_port
from .test_deploy import ADMIN_PASSWORD

SWITCH = "set $samizdat_under_attack 0;"
MIRRORED = "X-Samizdat-Mirror"


class UnderAttackSite(Site):
    def nginx_site_conf(self, certs) -> str:
        conf = super().nginx_site_conf(certs)
        assert SWITCH in conf, "the mode's switch is gone from deploy/nginx/samizdat.conf"
        return conf.replace(SWITCH, "set $samizdat_under_attack 1;")


def wait_for(what: str, check, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="module")
def attack(installed: Install):
    root = installed.base / "under-attack"
    root.mkdir()
    root.chmod(0o755)
    site = UnderAttackSite("under-attack", installed, root, {})
    try:
        site.write_env()
        assert "SAMIZDAT_MIRROR_DIR=" in site.env_file.read_text()
        site.make_data_dir()
        site.site("init", "--admin-user", "chief", "--admin-password", ADMIN_PASSWORD)
        site.site("demo", "--no-serve")
        app = site.spawn_unit("samizdat.service")
        wait_for_port(site.app_port, app)
        site.spawn_unit("samizdat-worker.service")
        site.start_nginx()
        manifest = site.data / "mirror" / "site" / ".samizdat-mirror.json"
        started = time.monotonic()
        # A few seconds on a quiet machine; minutes on a crowded CI runner.
        wait_for("the worker's first export", manifest.exists, timeout=900)
        say(f"under-attack: the worker exported the mirror in {time.monotonic() - started:.0f} s")
        site.app = app
        yield site
    finally:
        site.stop()


def get(site: Site, path: str) -> tuple[int, dict, str]:
    status, headers, body = site.request("GET", path)
    return status, headers, body.decode("utf-8", "replace")


def live_statement(site: Site) -> str:
    # ?comment=… always goes to the app, whose links are root-relative.
    _, headers, body = get(site, "/ru/?comment=list")
    assert headers.get(MIRRORED) is None
    for link in re.findall(r'href="(/ru/[^"?#/]+/[^"?#/]+/)"', body):
        if 'action="/ru/comments/' in get(site, link + "?comment=form")[2]:
            return link
    pytest.fail("no statement with an open comment form in the demo content")


def test_public_pages_come_from_the_mirror_and_the_comment_form_from_the_app(attack: Site):
    status, headers, home = get(attack, "/ru/")
    assert status == 200 and headers.get(MIRRORED) == "1", headers
    assert (
        "Set-Cookie" not in headers and "default-src 'none'" in headers["Content-Security-Policy"]
    )
    assert headers["Content-Type"].startswith("text/html")
    statement = live_statement(attack)
    status, headers, page = get(attack, statement)
    assert status == 200 and headers.get(MIRRORED) == "1"
    assert 'action="/ru/comments/' not in page  # the mirror's page has no form …
    link = f"{statement}?comment=form#comments"
    assert link in page  # … but links to the live one
    status, headers, live = get(attack, link.partition("#")[0])
    assert status == 200 and headers.get(MIRRORED) is None
    form = re.search(r'action="(/ru/comments/\d+/)', live)
    assert form
    # The two differ in the comment section only.
    title = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    assert title == re.search(r"<h1[^>]*>(.*?)</h1>", live, re.S).group(1)
    status, headers, _ = attack.request(
        "POST",
        form.group(1),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=b"text=",
    )
    assert status == 400 and headers.get(MIRRORED) is None  # the app's answer to a bad form
    status, headers, _ = get(attack, "/ru/search/?q=%D0%B2%D0%BE%D0%B4%D0%B0")
    assert status == 200 and headers.get(MIRRORED) is None  # the live search
    status, headers, _ = get(attack, "/ru/search/index.html")
    assert status == 200 and headers.get(MIRRORED) == "1"  # the mirror's offline search
    for path in ("/admin/login/", "/ru/no-such-section/"):
        assert get(attack, path)[1].get(MIRRORED) is None  # not in the mirror: the app
    assert get(attack, "/.samizdat-mirror.json")[1].get(MIRRORED) is None
    say(f"under-attack: {statement} from the mirror, its ?comment=form page, the POST and the "
        f"search from the app")  # fmt: skip


def test_an_unpublished_statement_leaves_the_mirror_within_seconds(attack: Site):
    statement = live_statement(attack)
    section, slug = statement.strip("/").split("/")[1:]
    script = (
        "from samizdat.publishing.lifecycle import unpublish; "
        "from samizdat.publishing.models import Statement; "
        f"unpublish(Statement.objects.get(language='ru', section__slug='{section}', slug='{slug}'))"
    )
    started = time.monotonic()
    attack.site("shell", "-c", script)
    wait_for("the worker's export", lambda: get(attack, statement)[1].get(MIRRORED) is None, 60)
    assert get(attack, statement)[0] == 404  # the app's answer, now that the file is gone
    say(f"under-attack: an unpublished statement left the mirror in "
        f"{time.monotonic() - started:.1f} s")  # fmt: skip


def test_the_mirror_answers_while_the_app_is_down(attack: Site):
    os.killpg(attack.app.pid, signal.SIGTERM)
    attack.app.wait(timeout=30)
    status, headers, _ = get(attack, "/ru/")
    assert status == 200 and headers.get(MIRRORED) == "1"
    assert get(attack, "/ru/search/?q=x")[0] == 502  # the app's part is gone
    say("under-attack: app stopped; /ru/ still 200 from the mirror, the live search 502")
