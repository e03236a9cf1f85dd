"""Start-up refuses what would go wrong later: no secret key, a malformed environment value,
a weak admin password. Each case runs in its own process, as a real start would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def start(code: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SAMIZDAT_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environ.update(SAMIZDAT_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="samizdat.settings")
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


WSGI = "import samizdat.wsgi; from django.conf import settings; print(settings.SECRET_KEY)"


def test_a_missing_key_file_stops_the_app_server_naming_the_fix(tmp_path):
    result = start(WSGI, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "samizdat init" in result.stderr and str(tmp_path / "secret_key") in result.stderr


def test_every_process_reads_the_one_key_init_wrote(tmp_path):
    init = start("from samizdat.cli import main; main(['init', '--no-static'])", tmp_path)
    assert init.returncode == 0, init.stderr
    keys = {start(WSGI, tmp_path).stdout.strip() for _ in range(2)}
    assert keys == {(tmp_path / "secret_key").read_text().strip()}


def test_debug_may_start_without_a_key_file(tmp_path):
    assert start(WSGI, tmp_path, SAMIZDAT_DEBUG="1").returncode == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SAMIZDAT_PORT", "abc"),
        ("SAMIZDAT_PORT", "70000"),
        ("SAMIZDAT_WORKERS", "0"),
        ("DATABASE_URL", "postgres://db.example:notaport/samizdat"),
        ("DATABASE_URL", "mysql://localhost/samizdat"),
        ("DATABASE_URL", "postgres://localhost"),
        ("SAMIZDAT_TRUSTED_PROXIES", "nginx"),
        ("SAMIZDAT_TRUSTED_PROXIES", "10.0.0.0/33"),
        ("SAMIZDAT_TRUSTED_PROXIES", "-1"),
        ("SAMIZDAT_DEBUG", "maybe"),
        ("SAMIZDAT_BEHIND_PROXY", "ja"),
        ("SAMIZDAT_COMMENT_RATE_CLIENT", "junk"),
        ("SAMIZDAT_COMMENT_RATE_ATTEMPTS", "0/600"),
        ("SAMIZDAT_CACHE_URL", "memcached://127.0.0.1"),
        ("SAMIZDAT_SITE_URL", "example.org"),
        ("SAMIZDAT_TIME_ZONE", "Mars/Olympus"),
        ("SAMIZDAT_LOG_LEVEL", "LOUD"),
        ("SAMIZDAT_EMAIL_PORT", "smtp"),
        ("SAMIZDAT_STATEMENTS_PER_PAGE", "0"),
        ("SAMIZDAT_FORWARDED_ALLOW_IPS", "nginx.local"),
        ("SAMIZDAT_EMAIL_TIMEOUT", "soon"),
        ("SAMIZDAT_TASKS_BACKEND", "celery"),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(tmp_path, name, value):
    result = start(
        "import django; django.setup()", tmp_path, SAMIZDAT_SECRET_KEY="k", **{name: value}
    )
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured")
    assert f"{name}={value!r}" in last


def test_unset_and_empty_values_take_the_stated_defaults(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SERVE_PORT, s.TRUSTED_PROXIES, s.DEBUG, s.COMMENT_RATE_CLIENT)"
    )
    result = start(code, tmp_path, SAMIZDAT_SECRET_KEY="k", SAMIZDAT_PORT="", SAMIZDAT_DEBUG="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["8000", "0", "False", "5/600"]


def test_init_refuses_a_weak_admin_password_and_creates_nothing(tmp_path):
    code = "from samizdat.cli import main; main(['init', '--no-static'])"
    result = start(code, tmp_path, SAMIZDAT_ADMIN_USER="chief", SAMIZDAT_ADMIN_PASSWORD="123")
    assert result.returncode != 0
    assert "admin password is refused" in result.stderr and "too short" in result.stderr
    assert not (tmp_path / "samizdat.sqlite3").exists()  # nothing migrated, no account
    same_as_name = start(
        code, tmp_path, SAMIZDAT_ADMIN_USER="chiefeditor", SAMIZDAT_ADMIN_PASSWORD="chiefeditor"
    )
    assert same_as_name.returncode != 0 and "too similar" in same_as_name.stderr
