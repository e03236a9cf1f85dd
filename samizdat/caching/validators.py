"""ETags and Last-Modified from content versions, plus what else shapes a rendered page:
the code, templates and translations (an upgrade changes pages without any save), the
settings that appear in pages, and the signing key."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from .versions import State

CODE_SUFFIXES = {".py", ".html", ".txt", ".mo", ".css", ".js", ".svg", ".xml", ".json"}
RENDER_SETTINGS = (
    "SITE_URL",
    "SITE_NAMES",
    "ONION_URL",
    "LANGUAGES",
    "TIME_ZONE",
    "STATIC_URL",
    "MEDIA_URL",
    "STATEMENTS_PER_PAGE",
    "HOME_STATEMENTS",
    "COMMENTS_CLOSE_AFTER_DAYS",
    "COMMENT_IP_RETENTION_DAYS",
)


@cache
def build() -> tuple[str, int]:
    """(fingerprint, newest file time) of the installed code and the rendering settings."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=8)
    newest = 0
    for path in sorted(root.rglob("*")):
        if path.suffix not in CODE_SUFFIXES or "tests" in path.parts:
            continue
        try:
            st = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(root)}:{st.st_mtime_ns}:{st.st_size};".encode())
        newest = max(newest, int(st.st_mtime) + 1)
    digest.update(repr([getattr(settings, name, None) for name in RENDER_SETTINGS]).encode())
    return digest.hexdigest(), newest


def key_stamp(request: HttpRequest | None = None) -> tuple[str, int]:
    """(stamp, file time + 1) of the public key file: a rotated or restored key changes pages
    (their signature panel) without any save. With ``request``: one ``stat`` per request,
    however many tags it makes (a cached statement page makes four)."""
    if request is not None:
        stamp = getattr(request, "_samizdat_key_stamp", None)
        if stamp is None:
            stamp = request._samizdat_key_stamp = key_stamp()
        return stamp
    path = _key_file()
    if path is None:
        return "-", 0
    try:
        st = os.stat(path)
    except OSError:
        return "-", 0
    return f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}", int(st.st_mtime) + 1


@cache
def _key_file() -> str | None:
    """The public key's path, or None without the authenticity app (settings_changed clears
    this when SIGNING_KEY_DIR changes)."""
    from django.apps import apps

    if not apps.is_installed("samizdat.authenticity"):
        return None
    from samizdat.authenticity.keys import public_key_path

    return str(public_key_path())


def content_tag(request: HttpRequest, state: State, path: str | None = None) -> str:
    """An opaque tag for "this URL as the current content renders it" (``path``: instead of
    the full path with query, for pages that do not read the query)."""
    key, _ = key_stamp(request)
    where = request.get_full_path() if path is None else path
    parts = (build()[0], state.token(), key, get_language() or "", where)
    return hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()


def etag(tag: str) -> str:
    """Weak: the validator stands for the content, not the bytes (nginx may compress)."""
    return f'W/"{tag}"'


def last_modified(state: State, request: HttpRequest | None = None) -> dt.datetime:
    seconds = max(state.changed, build()[1], key_stamp(request)[1])
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
