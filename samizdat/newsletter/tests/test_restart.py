"""A send interrupted by killing `samizdat worker` (SIGKILL) mid-send resumes after a restart
without sending anyone a second copy: real worker processes, a real SMTP server, SQLite file."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest

from samizdat.core.tests.smtp import SMTPServer
from samizdat.core.tests.test_cli import run
from samizdat.core.tests.test_worker import environ, wait_for

N = 30
SETUP = f"""
import django; django.setup()
from django.utils import timezone
from samizdat.newsletter.models import Subscriber
from samizdat.newsletter.sending import start_send
from samizdat.publishing.tests.factories import make_statement
statement = make_statement(title="Заявление", language="ru")
now = timezone.now()
for n in range({N}):
    Subscriber.objects.create(email=f"r{{n}}@example.org", language="ru", confirmed_at=now)
start_send(statement)
"""


@pytest.fixture
def data_dir(tmp_path):
    result = run("init", "--no-static", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path


def rows(data_dir) -> Counter:
    db = sqlite3.connect(data_dir / "samizdat.sqlite3", timeout=10)
    try:
        return Counter(s for (s,) in db.execute("select state from newsletter_delivery"))
    finally:
        db.close()


def send_state(data_dir) -> str:
    db = sqlite3.connect(data_dir / "samizdat.sqlite3", timeout=10)
    try:
        return db.execute("select state from newsletter_send").fetchone()[0]
    finally:
        db.close()


def test_restart_mid_send_sends_nobody_a_second_copy(data_dir):
    with SMTPServer() as server:
        env = environ(data_dir) | {
            "SAMIZDAT_EMAIL_HOST": "127.0.0.1",
            "SAMIZDAT_EMAIL_PORT": str(server.port),
            "SAMIZDAT_EMAIL_USE_TLS": "0",
            "SAMIZDAT_EMAIL_TIMEOUT": "1",
            "SAMIZDAT_NEWSLETTER_RATE": "20",
        }
        setup = subprocess.run(
            [sys.executable, "-c", SETUP], env=env, capture_output=True, text=True
        )
        assert setup.returncode == 0, setup.stderr
        worker_cmd = [sys.executable, "-m", "samizdat.cli", "worker", "--interval", "0.2"]
        first = subprocess.Popen(
            worker_cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            assert wait_for(lambda: len(server.messages) >= 8, 60), "the first worker sent nothing"
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        before = len(server.messages)
        assert before < N, "the send finished before the kill: nothing was interrupted"
        time.sleep(0.5)
        second = subprocess.Popen(
            worker_cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            assert wait_for(lambda: send_state(data_dir) == "done", 90), rows(data_dir)
        finally:
            second.send_signal(signal.SIGTERM)
            output = second.communicate(timeout=30)[0]
    received = Counter(m["To"] for m in server.messages)
    states = rows(data_dir)
    # Nobody got two copies; everyone got one but at most the one mail in flight at the kill.
    assert set(received.values()) == {1}, received
    assert states["sent"] + states["interrupted"] == N and states["interrupted"] <= 1, states
    assert len(received) >= N - 1 and len(received) >= states["sent"]
    assert "periodic newsletter.resume: done" in output
