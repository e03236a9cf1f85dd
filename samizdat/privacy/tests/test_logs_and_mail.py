"""Logs keep no client address, no query string, times to the minute; console mail is masked."""

from __future__ import annotations

import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.mail import EmailMessage, get_connection

from samizdat.privacy.logs import PrivacyFilter, scrub
from samizdat.privacy.mail import mask


@pytest.mark.parametrize(
    "line, leaked",
    [
        ("Not Found: /search/?q=тайное+собрание&page=2", "тайное"),
        ('"GET /ru/search/?q=strike HTTP/1.1" 404', "strike"),
        ("Invalid HTTP_HOST header from 203.0.113.7", "203.0.113.7"),
        ("forwarded for 2001:db8:1:2::5, 10.0.0.1", "2001:db8"),
        ("client ::ffff:198.51.100.4 refused", "198.51.100.4"),
    ],
)
def test_scrub_removes_queries_and_addresses(line, leaked):
    assert leaked not in scrub(line)


def test_scrub_keeps_ordinary_text():
    assert scrub("Statement 12 saved at 10:45 by editor") == "Statement 12 saved at 10:45 by editor"


def test_the_configured_console_handler_filters_djangos_loggers(rf):
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, PrivacyFilter) for f in h.filters)
    )
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        request = rf.get("/ru/search/?q=secret-meeting", REMOTE_ADDR="203.0.113.7")
        logging.getLogger("django.request").warning(
            "Not Found: %s", request.get_full_path(), extra={"request": request, "status_code": 404}
        )
        logging.getLogger("django.security.DisallowedHost").error(
            "Invalid HTTP_HOST header: from %s", "198.51.100.4"
        )
    finally:
        handler.setStream(old)
    text = stream.getvalue()
    assert "Not Found: /ru/search/?…" in text and "secret-meeting" not in text
    assert "203.0.113.7" not in text and "198.51.100.4" not in text
    stamp = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d) ", text)
    assert stamp and not re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", text)  # minutes, no seconds


def test_console_mail_backend_masks_every_address():
    stream = io.StringIO()
    connection = get_connection("samizdat.privacy.mail.MaskedConsoleEmailBackend", stream=stream)
    EmailMessage(
        "Ответ на ваш комментарий",
        "Здравствуйте! Ответ для aigerim.n@example.org — отписаться: /unsubscribe/",
        "samizdat@localhost",
        ["aigerim.n@example.org"],
        cc=["marat@mail.example.kz"],
        bcc=["hidden@example.net"],
        connection=connection,
    ).send()
    text = stream.getvalue()
    for address in ("aigerim.n@example.org", "marat@mail.example.kz", "hidden@example.net"):
        assert address not in text
    assert "a…@e….org" in text and "Здравствуйте! Ответ для" in text


def test_mask():
    assert mask("write to dana.k+x@steppe.example.org now") == "write to d…@s….org now"


def test_default_settings_use_the_masked_console_backend(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMIZDAT_", "DATABASE_URL"))}
    env.update(SAMIZDAT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="samizdat.settings")
    env["SAMIZDAT_SECRET_KEY"] = "a test key, long enough for this settings check only"
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.strip() == "samizdat.privacy.mail.MaskedConsoleEmailBackend"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_access_log_has_no_address_no_query_and_minute_times(tmp_path):
    """The real `samizdat serve` (gunicorn) on a loopback port, its access log read back."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMIZDAT_", "DATABASE_URL"))}
    env.update(SAMIZDAT_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="samizdat.settings")
    cli = [sys.executable, "-m", "samizdat.cli"]
    subprocess.run(
        [*cli, "init", "--no-static"], env=env, check=True, capture_output=True, timeout=300
    )
    port = _free_port()
    log = open(tmp_path / "serve.log", "w+b")
    server = subprocess.Popen(
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/ru/search/?q=secret-meeting", timeout=5
                )
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = (tmp_path / "serve.log").read_text()
    access = [line for line in text.splitlines() if "/ru/search/" in line]
    assert access, text[-2000:]
    assert "secret-meeting" not in text and "127.0.0.1 -" not in text
    assert "127.0.0.1" not in access[0]
    assert re.match(
        r"\[\d\d/\w{3}/\d{4}:\d\d:\d\d [+-]\d{4}\] \"GET /ru/search/ HTTP/1.1\" ", access[0]
    )


def test_gunicorn_error_log_is_filtered():
    from samizdat.privacy.gunicorn_log import MinuteLogger

    class Cfg:  # the few settings gunicorn's Logger.setup reads
        loglevel, errorlog, accesslog, capture_output = "info", "-", None, False
        syslog = False
        logconfig = logconfig_dict = logconfig_json = None
        disable_redirect_access_to_syslog = False
        access_log_format = ""
        user, group = 0, 0

        def __getattr__(self, name):
            return None

    logger = MinuteLogger(Cfg())
    stream = io.StringIO()
    for handler in logger.error_log.handlers:
        handler.setStream(stream)
    logger.warning("Invalid request from ip=203.0.113.7: bad request line")
    assert "203.0.113.7" not in stream.getvalue() and "Invalid request" in stream.getvalue()
    assert re.match(r"\[\d{4}-\d\d-\d\d \d\d:\d\d [+-]\d{4}\] ", stream.getvalue())
