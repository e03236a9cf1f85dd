"""The console command on a fresh data directory, run as a user would run it."""

import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    environ.update(SAMIZDAT_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="samizdat.settings")
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "samizdat.cli", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def initialised(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    result = run(
        "init",
        "--no-static",
        data_dir=data_dir,
        SAMIZDAT_ADMIN_USER="chief",
        SAMIZDAT_ADMIN_PASSWORD="a-long-pass-2026",
    )
    assert result.returncode == 0, result.stderr
    return data_dir, result


def test_init_writes_a_private_secret_key_and_a_wal_database(initialised):
    data_dir, result = initialised
    key = data_dir / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_text().strip()) >= 50
    db = data_dir / "samizdat.sqlite3"
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert "Admin account 'chief': created." in result.stdout


def test_init_is_idempotent_and_keeps_the_key(initialised):
    data_dir, _ = initialised
    before = (data_dir / "secret_key").read_text()
    result = run(
        "init",
        "--no-static",
        data_dir=data_dir,
        SAMIZDAT_ADMIN_USER="chief",
        SAMIZDAT_ADMIN_PASSWORD="a-long-pass-2026",
    )
    assert result.returncode == 0, result.stderr
    assert (data_dir / "secret_key").read_text() == before
    assert "Admin account 'chief': exists." in result.stdout


def test_init_without_password_never_prompts(tmp_path):
    result = run("init", "--no-static", "--admin-user", "x", data_dir=tmp_path)
    assert result.returncode == 0
    assert "needs --admin-password" in result.stderr


def test_demo_setup_is_idempotent(tmp_path):
    first = run("demo", "--no-serve", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    second = run("demo", "--no-serve", data_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    # the demo admin's second factor: printed next to the password, the same on every run
    secret = re.search(r"secret ([A-Z2-7]{32})", first.stdout).group(1)
    assert "otpauth://totp/" in first.stdout and f"secret {secret}" in second.stdout
    assert stat.S_IMODE((tmp_path / "demo-admin-totp").stat().st_mode) == 0o600
    db = sqlite3.connect(tmp_path / "samizdat.sqlite3")
    assert db.execute("select count(*) from publishing_statement").fetchone()[0] == 14
    assert db.execute("select count(*) from publishing_image").fetchone()[0] == 2
    assert db.execute("select count(*) from publishing_page").fetchone()[0] == 6
    assert (
        db.execute("select count(distinct language) from publishing_statement").fetchone()[0] == 3
    )
    assert "password" in second.stdout


def test_serve_refuses_without_init(tmp_path):
    result = run("serve", "--port", "0", data_dir=tmp_path / "nothing", SAMIZDAT_SECRET_KEY="")
    assert result.returncode != 0
    assert "samizdat init" in result.stderr


def test_pass_through_to_django_commands(tmp_path):
    result = run("check", data_dir=tmp_path, SAMIZDAT_SECRET_KEY="a-key-from-a-secrets-manager")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
