"""The seizure report: what a data directory holds that could identify a reader or commenter.

Reads a data directory as a seizing party would (its SQLite file opened read-only, files on
disk), or the live configuration (the configured database, media, keys and cache). Every
finding has a stable ``key`` that docs/privacy.md lists with what is kept and why; a finding
marked ``problem`` is something the documented design should not leave behind.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage

CONTENT_NAME = re.compile(r"[0-9a-f]{32}(-\d+w)?\.(jpg|png)")
METADATA_INFO = {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp", "comment", "photoshop"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".heic"}


@dataclass
class Finding:
    key: str
    what: str
    count: int
    detail: str = ""
    problem: bool = False


Query = Callable[[str], list[tuple]]


def sqlite_query(path: Path) -> Query:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def query(sql: str) -> list[tuple]:
        try:
            return db.execute(sql).fetchall()
        except sqlite3.OperationalError:  # a table this version does not have
            return []

    return query


def django_query() -> Query:
    from django.db import DatabaseError, connection, transaction

    def query(sql: str) -> list[tuple]:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        except DatabaseError:
            return []

    return query


def _one(query: Query, sql: str, default=0):
    rows = query(sql)
    return rows[0][0] if rows and rows[0][0] is not None else default


def _day(value) -> str:
    return str(value)[:10] if value else "—"


def database_findings(query: Query, retention_days: int, today: dt.date) -> list[Finding]:
    found = []
    hashed = _one(query, "SELECT count(*) FROM discussion_comment WHERE ip_hash <> ''")
    oldest = _one(query, "SELECT min(created_at) FROM discussion_comment WHERE ip_hash <> ''", None)
    newest = _one(query, "SELECT max(created_at) FROM discussion_comment WHERE ip_hash <> ''", None)
    overdue = bool(oldest) and _day(oldest) < str(today - dt.timedelta(days=retention_days + 1))
    found.append(
        Finding(
            "comment-address-hashes",
            "comments with an address hash",
            hashed,
            f"posted {_day(oldest)} … {_day(newest)}; erased after {retention_days} days"
            + (" — OLDER THAN THE RETENTION PERIOD: is the worker running?" if overdue else ""),
            overdue,
        )
    )
    emails = _one(query, "SELECT count(*) FROM discussion_comment WHERE email <> ''")
    stray = _one(
        query, "SELECT count(*) FROM discussion_comment WHERE email <> '' AND NOT notify_replies"
    )
    found.append(
        Finding(
            "comment-emails",
            "comments with an email address in clear",
            emails,
            "only where the commenter asked for reply notifications"
            + (f"; {stray} WITHOUT a notification request" if stray else ""),
            bool(stray),
        )
    )
    hashes = _one(query, "SELECT count(*) FROM discussion_comment WHERE email_hash <> ''")
    loose = _one(
        query, "SELECT count(*) FROM discussion_comment WHERE email_hash <> '' AND email = ''"
    )
    found.append(
        Finding(
            "comment-email-hashes",
            "comments with an email hash",
            hashes,
            "only next to a subscribed address (see Commenters)"
            + (f"; {loose} WITHOUT the address" if loose else ""),
            bool(loose),
        )
    )
    found.append(
        Finding(
            "comment-author-keys",
            "comments with a returning-author key hash",
            _one(query, "SELECT count(*) FROM discussion_comment WHERE author_key_hash <> ''"),
            "one comment per returning browser; links no comments together (see Commenters)",
        )
    )
    days = [str(r[0])[:10] for r in query("SELECT day FROM privacy_addresskey ORDER BY day")]
    stale = [d for d in days if d < today.isoformat()]
    found.append(
        Finding(
            "address-keys",
            "address keys alive",
            len(days),
            (", ".join(days) or "none")
            + ("; only today's may exist" if not stale else f"; PAST DAYS STILL HERE: {stale}"),
            bool(stale),
        )
    )
    tables = [r[0] for r in query("SELECT name FROM sqlite_master WHERE type='table'")]
    tables += [r[0] for r in query("SELECT tablename FROM pg_tables WHERE schemaname='public'")]
    for table in sorted(
        t for t in tables if "ratelimit" in t.lower() or "ratecounter" in t.lower()
    ):
        found.append(
            Finding(
                "rate-limit-entries",
                f"rate-limit entries (table {table})",
                _one(query, f'SELECT count(*) FROM "{table}"'),
                "keyed with the day's address hash; expire with their window",
            )
        )
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    alive = _one(query, f"SELECT count(*) FROM django_session WHERE expire_date > '{now}'")
    found.append(
        Finding(
            "sessions",
            "sessions in the database",
            _one(query, "SELECT count(*) FROM django_session"),
            f"{alive} not yet expired (staff sign-ins; readers and commenters get none)",
        )
    )
    found.append(
        Finding(
            "staff-accounts",
            "staff accounts",
            _one(query, "SELECT count(*) FROM auth_user WHERE is_staff"),
            "editors and moderators: user names, password hashes, emails if given",
        )
    )
    return found


def _image_metadata(path: Path) -> list[str]:
    try:
        with PILImage.open(path) as image:
            keys = [k for k in image.info if k in METADATA_INFO]
            keys += [f"text:{k}" for k in (getattr(image, "text", None) or {})]
            if image.getexif():
                keys.append("EXIF")
            return keys
    except Exception:
        return ["unreadable"]


def file_findings(data_dir: Path | None, media: Path, keys: Path, cache: Path) -> list[Finding]:
    found = []
    images = [p for p in media.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]
    with_meta = [p for p in images if _image_metadata(p)]
    found.append(
        Finding(
            "image-metadata",
            "image files with metadata (EXIF, XMP, ICC, text)",
            len(with_meta),
            ", ".join(p.name for p in with_meta[:5]),
            bool(with_meta),
        )
    )
    named = [p for p in media.rglob("*") if p.is_file() and not CONTENT_NAME.fullmatch(p.name)]
    found.append(
        Finding(
            "original-names",
            "media files not named by the intake (possibly uploaders' names or originals)",
            len(named),
            ", ".join(p.relative_to(media).as_posix() for p in named[:5])
            + ("; run `samizdat images reprocess`" if named else ""),
            bool(named),
        )
    )
    secret, public = keys / "samizdat.key", keys / "samizdat.pub"
    unencrypted = False
    if secret.exists():
        from samizdat.authenticity.minisign import SecretKey

        try:
            unencrypted = not SecretKey.is_encrypted_file(secret.read_bytes())
        except Exception:
            unencrypted = True
    demo = public.exists() and "DEMO" in public.read_text(errors="replace")
    found.append(
        Finding(
            "signing-key-unencrypted",
            "unencrypted signing secret key",
            int(unencrypted),
            (f"{secret}" + (" (the DEMO key)" if demo else ""))
            if unencrypted
            else "encrypted or absent",
            unencrypted and not demo,
        )
    )
    cache_files = [p for p in cache.rglob("*.djcache")] if cache.is_dir() else []
    found.append(
        Finding(
            "cache-files",
            "cache files (rate-limit counters, page fragments)",
            len(cache_files),
            "rate-limit entries are named by the day's address hash; expired ones go hourly",
        )
    )
    if data_dir is not None:
        logs = [p for p in data_dir.rglob("*") if p.is_file() and (".log" in p.suffixes)]
        found.append(
            Finding(
                "log-files",
                "log files in the data directory",
                len(logs),
                ", ".join(p.name for p in logs[:5]) or "none (logs go to stdout/journald)",
                bool(logs),
            )
        )
        demo_identity = data_dir / "backup-identity-DEMO.txt"
        found.append(
            Finding(
                "backup-identity",
                "backup decryption identity on this disk",
                int(demo_identity.exists()),
                "DEMO identity: demo backups protect nothing" if demo_identity.exists() else "none",
            )
        )
    return found


def audit(data_dir: Path | None = None, retention_days: int = 30) -> list[Finding]:
    """Findings for ``data_dir`` (read as found on a disk) or for the live configuration."""
    today = dt.datetime.now(dt.UTC).date()
    if data_dir is not None:
        database = data_dir / "samizdat.sqlite3"
        query = sqlite_query(database) if database.exists() else (lambda sql: [])
        paths = (data_dir / "media", data_dir / "keys", data_dir / "cache")
    else:
        from django.conf import settings

        query = django_query()
        retention_days = settings.COMMENT_IP_RETENTION_DAYS
        location = settings.CACHES["default"].get("LOCATION", "")
        cache_dir = (
            Path(location) if location and "://" not in str(location) else Path("/nonexistent")
        )
        paths = (Path(settings.MEDIA_ROOT), Path(settings.SIGNING_KEY_DIR), cache_dir)
        data_dir = Path(settings.DATA_DIR)
    return database_findings(query, retention_days, today) + file_findings(data_dir, *paths)
