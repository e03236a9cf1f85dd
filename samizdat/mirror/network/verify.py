"""``samizdat mirror verify DIR|URL``: compare a mirror with its signed manifest.

The manifest and its signature are read from the mirror itself and must verify against the
site's key (or the key given); a manifest signed by another key is refused. The mirror list, if
the mirror carries one, must verify too (a tampered list is refused). Then every file the
manifest names is read and its SHA-256 compared: missing and altered files are named, and for a
local copy so are extra files (over HTTP a server cannot be asked for files nobody names).
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from samizdat.authenticity import minisign
from samizdat.mirror.tree import MANIFEST as EXPORT_MANIFEST

from . import signedlist
from .signedlist import LIST_REL, MANIFEST_REL, SIG, SIGNED_FILES, SignedFileError
from .stage import walk

FETCH_TIMEOUT = 20
WORKERS = 8


class Missing(Exception):
    pass


@dataclass
class VerifyReport:
    source: str
    root_hash: str = ""
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    extra_listed: bool = True
    list_checked: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered or self.extra)


class Source:
    def __init__(self, where: str):
        self.where = where
        parts = urlsplit(where)
        self.remote = parts.scheme in ("http", "https")
        if self.remote:
            self.base = where if where.endswith("/") else where + "/"
        else:
            self.root = Path(where)
            if not self.root.is_dir():
                raise SignedFileError(f"{where} is not a directory or an http(s) URL")

    def read(self, rel: str) -> bytes:
        if not self.remote:
            try:
                return (self.root / rel).read_bytes()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                raise Missing(rel) from None
        request = urllib.request.Request(
            self.base + quote(rel), headers={"User-Agent": "samizdat-verify"}
        )
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (403, 404, 410):
                raise Missing(rel) from None
            raise SignedFileError(f"{self.base}{rel} answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise SignedFileError(
                f"cannot reach {self.base}: {getattr(exc, 'reason', exc)}"
            ) from None

    def signed(self, rel: str, kind: str, key) -> tuple[bytes, dict]:
        try:
            body, signature = self.read(rel), self.read(rel + SIG)
        except Missing as exc:
            raise SignedFileError(f"{self.where} has no signed {kind} ({exc} is missing)") from None
        return body, signedlist.verify(body, signature, kind, key)


def verify_mirror(where: str, key: minisign.PublicKey | None = None) -> VerifyReport:
    key = key or signedlist.public_key()
    source = Source(where)
    report = VerifyReport(where)
    body, manifest = source.signed(MANIFEST_REL, "manifest", key)
    report.root_hash = signedlist.root_hash(body)
    try:
        source.signed(LIST_REL, "mirror list", key)
        report.list_checked = True
    except SignedFileError as exc:
        if "has no signed" not in str(exc):
            raise
    files = manifest["files"]

    def check(rel: str) -> tuple[str, str]:
        try:
            data = source.read(rel)
        except Missing:
            return rel, "missing"
        if len(data) != files[rel][1] or hashlib.sha256(data).hexdigest() != files[rel][0]:
            return rel, "altered"
        return rel, "ok"

    with ThreadPoolExecutor(max_workers=WORKERS if source.remote else 2) as pool:
        for rel, state in pool.map(check, sorted(files)):
            report.checked += 1
            if state == "missing":
                report.missing.append(rel)
            elif state == "altered":
                report.altered.append(rel)
    if source.remote:
        report.extra_listed = False
    else:
        present = {r for r in walk(source.root) if r not in SIGNED_FILES and r != EXPORT_MANIFEST}
        report.extra = sorted(present - set(files))
    return report
