"""The deployed shape: `samizdat serve` (gunicorn + the worker it starts) on loopback, a comment
posted over HTTP while the mail server hangs, then the mail arriving at a real aiosmtpd server
once it answers (the worker's retry)."""

from __future__ import annotations

import http.client
import os
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from samizdat.core.tests.smtp import HungServer, SMTPServer, free_port
from samizdat.core.tests.test_cli import run
from samizdat.core.tests.test_worker import wait_for

from .bot import read_form


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo")
    result = run("demo", "--no-serve", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir


def statement_path(data_dir) -> str:
    db = sqlite3.connect(data_dir / "samizdat.sqlite3")
    section, slug = db.execute(
        "select s.slug, t.slug from publishing_statement t join publishing_section s "
        "on s.id = t.section_id where t.language = 'ru' and t.status = 'published' limit 1"
    ).fetchone()
    return f"/ru/{section}/{urllib.parse.quote(slug)}/"


def test_post_over_http_while_smtp_hangs_then_mail_arrives(demo_dir):
    web, smtp_port = free_port(), None
    hung = HungServer().__enter__()
    smtp_port = hung.port
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        SAMIZDAT_DATA_DIR=str(demo_dir),
        DJANGO_SETTINGS_MODULE="samizdat.settings",
        SAMIZDAT_SITE_URL=f"http://127.0.0.1:{web}",
        SAMIZDAT_EMAIL_HOST="127.0.0.1",
        SAMIZDAT_EMAIL_PORT=str(smtp_port),
        SAMIZDAT_EMAIL_USE_TLS="0",
        SAMIZDAT_EMAIL_TIMEOUT="3",
        SAMIZDAT_MAIL_RETRY_SECONDS="1",
        SAMIZDAT_COMMENT_MIN_SECONDS="0",
    )
    serve = subprocess.Popen(
        [sys.executable, "-m", "samizdat.cli", "serve", "--port", str(web), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = None
    try:
        url = f"http://127.0.0.1:{web}{statement_path(demo_dir)}"

        def page() -> str | None:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    return r.read().decode()
            except OSError:
                return None

        assert wait_for(lambda: page() is not None, 60), "serve did not answer"
        form = read_form(page())
        body = urllib.parse.urlencode(
            {
                "name": "Читатель",
                "email": "reader@example.org",
                "notify": "1",
                "text": "Вопрос к авторам",
                "website": "",
                "token": form.token,
                "answer": str(form.answer),
            }
        )
        connection = http.client.HTTPConnection("127.0.0.1", web, timeout=30)
        started = time.monotonic()
        connection.request(
            "POST",
            form.action.split("#")[0],
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        response = connection.getresponse()
        post_seconds = time.monotonic() - started
        assert response.status == 302, response.read()[:500]
        assert post_seconds < 2, post_seconds  # SMTP hangs 3 s per attempt, in the worker
        # The worker (started by serve) tries the hung server …
        assert wait_for(lambda: len(hung.connections) >= 1, 15), "the worker never tried"
        hung.__exit__(None, None, None)
        hung = None
        # … and once a real server answers on that port, its retry delivers the mail.
        server = SMTPServer(port=smtp_port).__enter__()
        assert server.handler.arrived.wait(40), "the mail never arrived"
        [message] = server.messages
        assert message["To"] == "reader@example.org"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert f"http://127.0.0.1:{web}/ru/comments/confirm/" in message.get_content()
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        if hung is not None:
            hung.__exit__(None, None, None)
        if server is not None:
            server.__exit__(None, None, None)
