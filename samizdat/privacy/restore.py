"""Bring a fresh machine back from an encrypted backup (see backup.py for the layout).

Only into an empty place: the data directory must not hold a database, secret key, keys or
media yet, and a PostgreSQL database must have no tables, so a restore never overwrites a
live site by mistake.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from tqdm import tqdm

from .backup import FORMAT, _age, _engine, _pg_args


def _check_empty() -> None:
    busy = []
    db = settings.DATABASES["default"]
    if _engine() == "sqlite":
        if Path(db["NAME"]).exists() and Path(db["NAME"]).stat().st_size > 0:
            busy.append(str(db["NAME"]))
    elif connection.introspection.table_names():
        busy.append(f"database {db['NAME']} (has tables)")
    connection.close()
    if settings.SECRET_KEY_FILE.exists():
        busy.append(str(settings.SECRET_KEY_FILE))
    for folder in (Path(settings.SIGNING_KEY_DIR), Path(settings.MEDIA_ROOT)):
        if folder.is_dir() and any(folder.iterdir()):
            busy.append(str(folder))
    if busy:
        raise CommandError("Restore only into an empty place; already there: " + ", ".join(busy))


def _destination(name: str) -> Path | None:
    """Where an archive member goes; None for anything unexpected (never outside the targets)."""
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or ".." in parts:
        return None
    if name == "secret_key":
        return settings.SECRET_KEY_FILE
    roots = {"keys": Path(settings.SIGNING_KEY_DIR), "media": Path(settings.MEDIA_ROOT)}
    if parts[0] in roots and len(parts) > 1:
        return roots[parts[0]].joinpath(*parts[1:])
    return None


def _restore_database(name: str, data: bytes, engine: str) -> None:
    if engine != _engine():
        raise CommandError(f"The backup holds a {engine} database; this site uses {_engine()}.")
    db = settings.DATABASES["default"]
    if engine == "sqlite":
        path = Path(db["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o600)
        return
    args, env = _pg_args(shutil.which("pg_restore") or "pg_restore", db)
    out = subprocess.run(
        [*args, "--no-owner", "--no-privileges", "--exit-on-error", "-d", str(db["NAME"])],
        input=data,
        capture_output=True,
        env=env,
        timeout=3600,
    )
    if out.returncode != 0:
        raise CommandError(f"pg_restore failed: {out.stderr.decode(errors='replace')[-800:]}")


def restore(archive: Path, identity: Path, progress: bool = True, file=None) -> dict:
    if not archive.is_file():
        raise CommandError(f"No backup file at {archive}.")
    if not identity.is_file():
        raise CommandError(f"No age identity file at {identity}.")
    _check_empty()
    age = subprocess.Popen(
        [_age(), "--decrypt", "-i", str(identity), str(archive)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    manifest, restored, broken = None, 0, None
    try:
        with (
            tarfile.open(fileobj=age.stdout, mode="r|gz") as tar,
            tqdm(unit="file", desc="restore", disable=not progress, file=file) as bar,
        ):
            for member in tar:
                if member.name == "manifest.json":
                    manifest = json.loads(tar.extractfile(member).read())
                    if manifest.get("format") != FORMAT:
                        raise CommandError(f"Unknown backup format {manifest.get('format')}.")
                    continue
                if manifest is None or not member.isfile():
                    raise CommandError(f"Not a samizdat backup (unexpected {member.name!r}).")
                data = tar.extractfile(member).read()
                if member.name == manifest["database"]:
                    _restore_database(member.name, data, manifest["engine"])
                elif (target := _destination(member.name)) is not None:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    if member.name.startswith("keys/"):
                        os.chmod(target.parent, 0o700)
                    target.write_bytes(data)
                    target.chmod(0o644 if member.name.startswith("media/") else 0o600)
                else:
                    raise CommandError(f"Refusing an unexpected archive member {member.name!r}.")
                restored += 1
                bar.update(1)
    except tarfile.TarError as exc:
        broken = exc
    finally:
        if age.stdout:
            age.stdout.close()
        code = age.wait(timeout=600)
    if code != 0:
        raise CommandError(f"age could not decrypt: {age.stderr.read().decode(errors='replace')}")
    if broken is not None:
        raise CommandError(f"The backup could not be read: {broken}")
    if manifest is None:
        raise CommandError("Not a samizdat backup (no manifest).")
    return {**manifest, "restored": restored}
