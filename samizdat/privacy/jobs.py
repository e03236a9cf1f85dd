"""The hourly privacy job (run by the background worker through samizdat.core.periodic)."""

from __future__ import annotations

import io

from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.management import call_command

from .addresses import destroy_old_keys


def drop_expired_cache_files() -> int:
    """The file cache leaves expired entries (rate-limit counters) on disk until read: drop them."""
    cache = caches["default"]
    if not isinstance(cache, FileBasedCache):
        return 0
    dropped = 0
    for path in cache._list_cache_files():
        try:
            with open(path, "rb") as handle:
                dropped += cache._is_expired(handle)  # deletes the file when expired
        except FileNotFoundError:  # another process got there first
            continue
    return dropped


def forget_addresses() -> None:
    """Destroy past days' address keys, erase hashes past retention, drop stale counters."""
    destroy_old_keys()
    call_command("purge_comment_data", stdout=io.StringIO(), verbosity=0)
    drop_expired_cache_files()
