"""Encrypted backups restored end to end with the real `age`, SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

CLI = [sys.executable, "-m", "samizdat.cli"]


def _env(data_dir: Path, database_url: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMIZDAT_", "DATABASE_URL"))}
    env.update(SAMIZDAT_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="samizdat.settings")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def samizdat(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    out = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert out.returncode == 0, out.stderr[-3000:]
    return out


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _dump(path: Path) -> list[str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    lines = [line for line in db.iterdump() if "django_session" not in line]
    db.close()
    return lines


@pytest.fixture
def demo_site(tmp_path, age_tools):
    data = tmp_path / "site"
    env = _env(data)
    samizdat(env, "demo", "--no-serve")
    assert (data / "backup-recipient.txt").read_text().startswith("# DEMO")
    return data, env


def test_sqlite_backup_restores_a_fresh_machine(demo_site, tmp_path):
    data, env = demo_site
    archive = tmp_path / "site.age"
    out = samizdat(env, "backup", "create", str(archive))
    assert "Backup written" in out.stdout and "backup" in out.stderr  # progress bar on stderr
    blob = archive.read_bytes()
    assert blob.startswith(b"age-encryption.org/v1\n")
    assert b"SQLite format 3" not in blob and "Ашық".encode() not in blob
    assert (data / "secret_key").read_bytes() not in blob
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    fresh = tmp_path / "fresh"
    fresh_env = _env(fresh)
    identity = data / "backup-identity-DEMO.txt"
    out = samizdat(fresh_env, "backup", "restore", str(archive), "--identity", str(identity))
    assert "Restored" in out.stdout
    assert _dump(fresh / "samizdat.sqlite3") == _dump(data / "samizdat.sqlite3")
    for part in ("media", "keys"):
        assert _files(fresh / part) == _files(data / part) != {}
    assert (fresh / "secret_key").read_text() == (data / "secret_key").read_text()
    assert oct((fresh / "keys" / "samizdat.key").stat().st_mode & 0o777) == "0o600"
    # the restored site works: migrations are up to date, the signing key is the site's
    samizdat(fresh_env, "init", "--no-static")
    shown = samizdat(fresh_env, "keys", "show").stdout
    assert shown.replace(str(fresh), "") == samizdat(env, "keys", "show").stdout.replace(
        str(data), ""
    )

    # a second restore never overwrites a site, and a wrong identity is a clear error
    again = samizdat(
        fresh_env, "backup", "restore", str(archive), "--identity", str(identity), check=False
    )
    assert again.returncode != 0 and "empty" in again.stderr
    other = tmp_path / "other.txt"
    subprocess.run(["age-keygen", "-o", str(other)], check=True, capture_output=True)
    wrong = samizdat(
        _env(tmp_path / "x"),
        "backup",
        "restore",
        str(archive),
        "--identity",
        str(other),
        check=False,
    )
    assert wrong.returncode != 0 and "age could not decrypt" in wrong.stderr
    assert not (tmp_path / "x" / "samizdat.sqlite3").exists()


def test_backup_without_recipient_is_a_clear_error(tmp_path):
    env = _env(tmp_path / "site")
    samizdat(env, "init", "--no-static")
    out = samizdat(env, "backup", "create", str(tmp_path / "b.age"), check=False)
    assert out.returncode != 0 and "No backup recipient" in out.stderr
    assert not (tmp_path / "b.age").exists()


def test_backup_leaves_out_address_keys_and_sessions(demo_site, tmp_path):
    data, env = demo_site
    code = (
        "from samizdat.discussion.privacy import ip_hash; ip_hash('203.0.113.7');"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "s = SessionStore(); s['x'] = 1; s.save()"
    )
    samizdat(env, "shell", "-c", code)
    live = sqlite3.connect(data / "samizdat.sqlite3")
    assert live.execute("SELECT count(*) FROM privacy_addresskey").fetchone()[0] == 1
    live.close()
    archive = tmp_path / "b.age"
    samizdat(env, "backup", "create", str(archive), "--no-progress")
    fresh = tmp_path / "fresh"
    samizdat(
        _env(fresh),
        "backup",
        "restore",
        str(archive),
        "--identity",
        str(data / "backup-identity-DEMO.txt"),
    )
    restored = sqlite3.connect(fresh / "samizdat.sqlite3")
    for table in ("privacy_addresskey", "django_session"):
        assert restored.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    restored.close()


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return url
    # The suite's PostgreSQL run (mandatory under SAMIZDAT_REQUIRE_POSTGRES=1) runs this test.
    pytest.skip("PostgreSQL run only (DATABASE_URL=postgres://…)")


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname='public' ORDER BY tablename"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_postgresql_backup_restores_into_another_database(tmp_path, age_tools):
    url = _postgres_url()
    base = urlsplit(url).path.lstrip("/") or "samizdat"
    source_name, restore_name = f"{base}_backup_src", f"{base}_restore"
    source_url, restore_url = _with_db(url, source_name), _with_db(url, restore_name)
    for name in (source_name, restore_name):
        _admin(url, f'DROP DATABASE IF EXISTS "{name}"')
        _admin(url, f'CREATE DATABASE "{name}"')
    try:
        data = tmp_path / "site"
        env = _env(data, source_url)
        samizdat(env, "demo", "--no-serve")
        archive = tmp_path / "pg.age"
        out = samizdat(env, "backup", "create", str(archive))
        assert "Backup written" in out.stdout
        fresh = tmp_path / "fresh"
        fresh_env = _env(fresh, restore_url)
        identity = data / "backup-identity-DEMO.txt"
        samizdat(fresh_env, "backup", "restore", str(archive), "--identity", str(identity))
        before, after = _counts(source_url), _counts(restore_url)
        before["django_session"] = after["django_session"] = 0
        assert after == before and before["publishing_statement"] > 10
        assert _files(fresh / "media") == _files(data / "media") != {}
        again = samizdat(
            fresh_env, "backup", "restore", str(archive), "--identity", str(identity), check=False
        )
        assert again.returncode != 0 and "has tables" in again.stderr
    finally:
        for name in (source_name, restore_name):
            _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
