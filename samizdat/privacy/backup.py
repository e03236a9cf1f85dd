"""Encrypted backups: one age-encrypted, gzipped tar of the database snapshot, media and keys.

The archive is encrypted to an age public key (the recipient) whose identity the operator
keeps off the server, so a seized server or a leaked backup copy reveals nothing. Plain text
never touches the disk: the tar is streamed into ``age``; the SQLite snapshot (online backup
API) and ``pg_dump -Fc`` output are held in memory.

Archive layout: ``manifest.json``, ``database/samizdat.sqlite3`` or ``database/samizdat.pgdump``,
``secret_key``, ``keys/…`` (the signing key pair), ``media/…``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from tqdm import tqdm

FORMAT = 1
# Rows a backup never carries: today's address key would make today's hashes recomputable
# from the backup, session rows would let it log in as staff, and rate counters are spent
# within the hour. Restored sites start without.
EXCLUDED_TABLES = ("privacy_addresskey", "django_session", "core_ratecounter")
RECIPIENT_FILE = "backup-recipient.txt"
DEMO_IDENTITY_FILE = "backup-identity-DEMO.txt"


def _age(tool: str = "age") -> str:
    path = shutil.which(tool)
    if path is None:
        raise CommandError(f"`{tool}` is not installed (Debian/Ubuntu: apt-get install age).")
    return path


def recipient() -> str:
    """SAMIZDAT_BACKUP_RECIPIENT, else the first age1… line of DATA_DIR/backup-recipient.txt."""
    if settings.BACKUP_RECIPIENT:
        return settings.BACKUP_RECIPIENT.strip()
    path = Path(settings.DATA_DIR) / RECIPIENT_FILE
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip().startswith("age1"):
                return line.strip()
    raise CommandError(
        f"No backup recipient: set SAMIZDAT_BACKUP_RECIPIENT or put an age public key (age1…) "
        f"into {path}. Make the key pair with `age-keygen` on a machine that is not the server."
    )


def _engine() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def _pg_args(tool: str, db: dict) -> tuple[list[str], dict]:
    args = [tool]
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def database_snapshot() -> tuple[str, bytes]:
    """A consistent snapshot of the live database, in memory."""
    db = settings.DATABASES["default"]
    if _engine() == "sqlite":
        source = sqlite3.connect(str(db["NAME"]))
        target = sqlite3.connect(":memory:")
        try:
            source.backup(target)  # the online backup API: consistent while the site runs
            tables = {row[0] for row in target.execute("SELECT name FROM sqlite_master")}
            for table in EXCLUDED_TABLES:
                if table in tables:
                    target.execute(f'DELETE FROM "{table}"')
            target.commit()
            target.execute("VACUUM")  # the deleted rows leave no trace in the free pages
            return "database/samizdat.sqlite3", target.serialize()
        finally:
            source.close()
            target.close()
    if _engine() == "postgresql":
        args, env = _pg_args(shutil.which("pg_dump") or "pg_dump", db)
        out = subprocess.run(
            [
                *args,
                "-Fc",
                "--no-owner",
                "--no-privileges",
                *[f"--exclude-table-data={table}" for table in EXCLUDED_TABLES],
                str(db["NAME"]),
            ],
            capture_output=True,
            env=env,
            timeout=3600,
        )
        if out.returncode != 0:
            raise CommandError(f"pg_dump failed: {out.stderr.decode(errors='replace')[-500:]}")
        return "database/samizdat.pgdump", out.stdout
    raise CommandError(f"backups of {_engine()} databases are not supported")


def _tree(root: Path, prefix: str) -> list[tuple[Path, str]]:
    if not root.is_dir():
        return []
    return [
        (path, f"{prefix}/{path.relative_to(root).as_posix()}")
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    ]


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o600) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, int(time.time())
    tar.addfile(info, io.BytesIO(data))


@dataclass
class Summary:
    files: int
    plain_bytes: int
    archive_bytes: int
    seconds: float


def create(target: Path, progress: bool = True, file=None) -> Summary:
    started = time.monotonic()
    key = recipient()
    db_name, db_bytes = database_snapshot()
    files = []
    if settings.SECRET_KEY_FILE.exists():
        files.append((settings.SECRET_KEY_FILE, "secret_key"))
    files += _tree(Path(settings.SIGNING_KEY_DIR), "keys")
    files += _tree(Path(settings.MEDIA_ROOT), "media")
    total = len(db_bytes) + sum(path.stat().st_size for path, _ in files)
    manifest = {
        "format": FORMAT,
        "engine": _engine(),
        "created": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
        "database": db_name,
        "files": len(files),
    }
    partial = target.with_name(target.name + ".partial")
    age = subprocess.Popen(
        [_age(), "--encrypt", "-r", key, "-o", str(partial)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        with (
            tarfile.open(fileobj=age.stdin, mode="w|gz") as tar,
            tqdm(
                total=total,
                unit="B",
                unit_scale=True,
                desc="backup",
                disable=not progress,
                file=file,
            ) as bar,
        ):
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
            _add_bytes(tar, db_name, db_bytes)
            bar.update(len(db_bytes))
            for path, name in files:
                tar.add(str(path), arcname=name, recursive=False)
                bar.update(path.stat().st_size)
        age.stdin.close()
        if age.wait(timeout=3600) != 0:
            raise CommandError(f"age failed: {age.stderr.read().decode(errors='replace')}")
    except BaseException:
        age.kill()
        partial.unlink(missing_ok=True)
        raise
    partial.chmod(0o600)
    partial.replace(target)
    return Summary(len(files) + 1, total, target.stat().st_size, time.monotonic() - started)
