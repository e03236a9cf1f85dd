"""Keep a local mirror fresh from the background worker (the "under attack" mode's tree).

With ``SAMIZDAT_MIRROR_DIR`` set, every lifecycle signal (publish, schedule, revise,
unpublish, translations, comment approved or removed) marks the mirror stale in the cache, and
the worker's periodic job ``mirror.export`` (every ``SAMIZDAT_MIRROR_CHECK_SECONDS``) exports
incrementally when it is stale, and in any case every ``SAMIZDAT_MIRROR_REFRESH_SECONDS`` (a
safety net for changes no signal announces). An incremental export after one change renders a
handful of pages (docs/mirror.md), so the tree trails the live site by seconds.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)
STALE_KEY = "samizdat:mirror:stale"
_last_export = 0.0


def mark_stale(*args, **kwargs) -> None:
    cache.set(STALE_KEY, time.time(), None)


def connect_signals() -> None:
    from samizdat.publishing import signals as publishing

    names = [
        "statement_published",
        "statement_scheduled",
        "statement_revised",
        "statement_unpublished",
        "translations_changed",
    ]
    for name in names:
        getattr(publishing, name).connect(mark_stale, dispatch_uid=f"mirror.auto.{name}")
    try:
        from samizdat.discussion import signals as discussion
    except ImportError:
        return
    for name in ("comment_approved", "comment_removed"):
        signal = getattr(discussion, name, None)
        if signal is not None:
            signal.connect(mark_stale, dispatch_uid=f"mirror.auto.{name}")


def export_if_stale() -> None:
    """The periodic job: export when a change was announced or the refresh interval passed."""
    global _last_export
    from .export import export_mirror
    from .tree import MirrorError

    stale = cache.get(STALE_KEY)
    due = time.monotonic() - _last_export >= settings.MIRROR_REFRESH_SECONDS
    if stale is None and not due and _last_export:
        return
    cache.delete(STALE_KEY)  # a change during the export marks it again: the next turn redoes
    try:
        # In this process, never forked workers: the background worker has other threads, and
        # a fork while one of them holds a lock deadlocks the child. Run `samizdat mirror
        # export` by hand for a fast first full export.
        result = export_mirror(settings.MIRROR_DIR, workers=1)
    except MirrorError as exc:
        if stale is not None:
            cache.set(STALE_KEY, stale, None)
        log.warning("mirror export to %s: %s", settings.MIRROR_DIR, exc)
        return
    _last_export = time.monotonic()
    if result.rendered:
        log.info(
            "mirror %s: %d pages rendered in %.1f s", result.target, result.rendered, result.seconds
        )
