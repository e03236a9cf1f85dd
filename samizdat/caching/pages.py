"""Render once, serve many: rendered public pages kept in the Django cache (docs/http.md).

A page is stored under a key that contains everything it is rendered from — the content
versions it shows (``site``, and ``comments:<id>`` for a statement's discussion), the code and
settings fingerprint, the signing key's stamp, the language and the path. A change bumps a
version in the transaction of the change itself, so every entry that showed the old content
simply becomes unreachable: nothing is deleted, nothing can be served stale, and two
processes filling the same key at once store the same bytes. Entries expire only to free
space (``SAMIZDAT_PAGE_CACHE_SECONDS``), never to become correct.

Never stored or served from the cache: anything but GET/HEAD, the mirror export's renders,
requests carrying a session or messages cookie (signed-in staff see the live render), and
answers that are not a plain 200, set a cookie, touched the session, the CSRF token or the
messages, or say they are private.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

PREFIX = "samizdat:pc:"
HEADER = "X-Samizdat-Cache"  # hit, miss or bypass: for operators and the tests
# Headers a stored answer never keeps: per-answer ones, and those the middleware adds itself.
DROPPED = {"set-cookie", "date", "etag", "last-modified", "content-length", "cache-control"}
SAFE = ("GET", "HEAD")


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE", True))


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def timeout() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 24 * 3600))


def usable(request: HttpRequest) -> bool:
    """May this request be answered from, and fill, the cache?"""
    if not enabled() or request.method not in SAFE:
        return False
    if request.META.get("samizdat.export"):  # the mirror renders its own variant
        return False
    cookies = request.COOKIES
    # A session (signed-in staff, a half-finished sign-in) or pending messages: live render.
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Is this answer the same for every reader of the URL?"""
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    meta = request.META
    if meta.get("CSRF_COOKIE_NEEDS_UPDATE") or meta.get("CSRF_COOKIE_USED"):
        return False  # the page holds a CSRF token: one reader's
    session = getattr(request, "session", None)
    # No session cookie came (see usable), so whoever looked found nobody signed in; a view
    # that wrote to the session would make a cookie: one reader's.
    if session is not None and (session.modified or not session.is_empty()):
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and (
        getattr(messages, "used", False) or getattr(messages, "_queued_messages", None)
    ):
        return False
    return True


def _freeze(response: HttpResponse) -> tuple:
    headers = [(k, v) for k, v in response.items() if k.lower() not in DROPPED]
    return (response.status_code, response.content, headers)


def _thaw(entry: tuple) -> HttpResponse:
    status, content, headers = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    return response


# A process-local copy of the entries this process read or wrote. An entry's key names every
# version it was rendered under, so the bytes behind a key never change: the copy cannot go
# stale, it only saves reading (and unpickling, and decompressing) the shared cache on every
# hit. The one kind of entry that is replaced under its key (a statement URL's lookup) is read
# with a check against the current versions (get's ``valid``), so a copy of it is served only
# while it is current. Bounded in bytes; dropped whole when full (the shared cache keeps all).
_local: dict[str, object] = {}
_local_bytes = 0
LOCAL_MAX_BYTES = 32 * 1024 * 1024


def _size(value) -> int:
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, tuple):
        return sum(_size(v) for v in value) + 64
    return 64


def _remember(key: str, value) -> None:
    global _local_bytes
    size = _size(value)
    if size > LOCAL_MAX_BYTES // 8:
        return
    if _local_bytes + size > LOCAL_MAX_BYTES:
        _local.clear()
        _local_bytes = 0
    _local_bytes += size - _size(_local.get(key, ""))
    _local[key] = value


def forget_local() -> None:
    """Drop this process's copies (tests; a cache cleared by an operator)."""
    global _local_bytes
    _local.clear()
    _local_bytes = 0


def get(key: str, *, valid: Callable[[object], bool] | None = None):
    """The entry under ``key``, this process's copy first.

    ``valid``: for a key whose value is replaced rather than given a new key (it checks a
    copy against the current content versions); a copy it refuses is read afresh from the
    shared cache, and that too only if ``valid`` accepts it.
    """
    value = _local.get(key)  # one lookup: another thread may clear the dict meanwhile
    if value is not None and (valid is None or valid(value)):
        return value
    try:
        value = _cache().get(PREFIX + key)
    except Exception:  # the cache server is down: render, as without a cache
        log.warning("page cache unavailable (get)", exc_info=True)
        return None
    if value is None or (valid is not None and not valid(value)):
        return None
    _remember(key, value)
    return value


def put(key: str, value) -> None:
    _remember(key, value)
    try:
        _cache().set(PREFIX + key, value, timeout())
    except Exception:
        log.warning("page cache unavailable (set)", exc_info=True)


def serve(request: HttpRequest, key: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The stored answer for ``key``, or ``render()`` — stored when it is everybody's."""
    if not usable(request):
        response = render()
        response.headers[HEADER] = "bypass"
        return response
    entry = get(key)
    if entry is not None:
        response = _thaw(entry)
        response.headers[HEADER] = "hit"
        return response
    response = render()
    if storable(request, response):
        put(key, _freeze(response))
        response.headers[HEADER] = "miss"
    else:
        response.headers[HEADER] = "bypass"
    return response
