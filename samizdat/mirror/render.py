"""Rendering pages for the mirror: the real handler, in one process or in several.

:class:`Renderer` builds a ``WSGIRequest`` with a ``RequestFactory`` and hands it to a Django
handler with the project's full middleware stack, as a server would, marked with the
``samizdat.export`` environ key (templates see ``static_export``). It is the test client's
path minus its bookkeeping (cookie jar, signals, template capture).

:func:`render_all` renders a list of URLs with :func:`os.fork`-ed worker processes when there
is enough to do: the parent has planned everything (the plan, the link map, compiled templates
are shared copy-on-write), closes its database connections and forks; each worker renders every
*n*-th page, writes it into the staging tree and sends back only the manifest entry. Results are
put back in the order of the list, so the manifest and the files are the same as in one process.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.signals import got_request_exception, request_finished
from django.db import close_old_connections, connections
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.utils.translation import override

from .tree import MirrorError

EXPORT_KEY = "samizdat.export"
GC_EVERY = 2000  # rendered pages between garbage collections (see export.manual_gc)
PARALLEL_MIN = 64  # fewer pages: an incremental export, rendered in small runs
SMALL_PARALLEL_MIN = 8  # fewer pages than this are rendered in the parent: a fork is not worth it
CHUNK = 32  # pages a worker takes at a time (and whose statements it loads at once)
Batch = Callable[[list[int]], AbstractContextManager]


def is_export(request) -> bool:
    """True for a request the mirror export makes (page caches should neither serve nor keep
    its answer: it has no comment form)."""
    return bool(request.META.get(EXPORT_KEY))


@contextmanager
def export_settings(site_url: str) -> Iterator[None]:
    """Absolute links (canonical, feeds) use ``site_url``; the renderer may use its host.

    404s are expected (a signature not made yet, an empty feed) and not logged one by one.
    """
    host = urlsplit(site_url).hostname or "testserver"
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    try:
        with override_settings(SITE_URL=site_url, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, host]):
            with override(settings.LANGUAGE_CODE):
                yield
    finally:
        request_log.setLevel(level)


class Renderer:
    """Pages through the real URLconf, views, middleware and templates, marked as export."""

    def __init__(self, site_url: str):
        parts = urlsplit(site_url)
        self.secure = parts.scheme == "https"
        self.extra = {"HTTP_HOST": parts.netloc or "testserver", EXPORT_KEY: True}
        self.factory = RequestFactory()
        self.handler = BaseHandler()
        self.handler.load_middleware()
        self.error: BaseException | None = None
        got_request_exception.connect(self._failed)

    def _failed(self, sender=None, request=None, **kwargs) -> None:
        if request is not None and is_export(request):
            import sys

            self.error = sys.exc_info()[1]

    def view(self, url: str) -> tuple[bytes, str] | None:
        request = self.factory.get(url, secure=self.secure, **self.extra)
        self.error = None
        try:
            response = self.handler.get_response(request)
        except Exception as exc:
            raise MirrorError(f"Rendering {url} failed: {exc!r}") from exc
        if self.error is not None:
            error, self.error = self.error, None
            raise MirrorError(f"Rendering {url} failed: {error!r}") from error
        try:
            if response.status_code != 200:
                return None
            if response.streaming:
                body = b"".join(response.streaming_content)
            else:
                body = response.content
            return body, response.get("Content-Type", "")
        finally:
            # As Django's test client does: a rendered page is not the end of a request, so
            # closing it must not close the database connection (CONN_MAX_AGE=0 would, once a
            # page — a reconnect per page, and inside a transaction a broken connection).
            request_finished.disconnect(close_old_connections)
            try:
                response.close()
            finally:
                request_finished.connect(close_old_connections)

    def template(self, name: str, url: str, language: str, context: dict) -> bytes:
        request = self.factory.get(url, secure=self.secure, **self.extra)
        request.LANGUAGE_CODE = language
        with override(language):
            return render_to_string(name, context, request=request).encode()


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> str | None:
    """Why the export cannot render in worker processes (None when it can)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return "no fork() on this system"
    others = [
        t
        for t in threading.enumerate()
        if t is not threading.current_thread() and type(t).__name__ != "TMonitor"
    ]  # tqdm's monitor only sleeps on an event
    if others:
        return "other threads are running (a fork could inherit a lock one of them holds)"
    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:
            return "inside a database transaction (workers would not see its data)"
    for conn in connections.all():
        if conn.vendor == "sqlite" and conn.is_in_memory_db():
            return "an in-memory SQLite database"
    return None


# The job of the forked workers: set in the parent just before the fork, read in the children.
_job: tuple[Callable[[int], object], Callable[[], object], Batch] | None = None


def _no_batch(indices: list[int]) -> AbstractContextManager:
    return nullcontext()


def _work(indices: list[int]) -> list[tuple[int, object, object]]:
    produce, collect, batch = _job
    out = []
    with batch(indices):
        for i in indices:
            result = produce(i)
            out.append((i, result, collect()))
            _work.count = getattr(_work, "count", 0) + 1
            if _work.count % GC_EVERY == 0:
                gc.collect()
    return out


def render_all(
    count: int,
    produce: Callable[[int], object],
    collect: Callable[[], object],
    workers: int,
    progress: Callable[[int], None] | None = None,
    batch: Batch = _no_batch,
    first: Sequence[int] = (),
) -> Iterator[tuple[int, object, object]]:
    """``produce(i)`` for i in range(count), in ``workers`` processes; yields (i, result,
    collect()) in the order of i. ``collect()`` gathers what produce left behind in the process
    (e.g. new link fallbacks) so that the parent can merge it. ``batch(indices)`` is entered
    around each run of ``CHUNK`` indices (to load their data in one go). In a small job
    (fewer than ``PARALLEL_MIN``) the workers start with the indices ``first`` (the slow
    ones: the others are rendered meanwhile)."""
    global _job
    chunks: Sequence[list[int]] = [
        list(range(start, min(start + CHUNK, count))) for start in range(0, count, CHUNK)
    ]
    if workers <= 1 or count < SMALL_PARALLEL_MIN or can_fork() is not None:
        for chunk in chunks:
            with batch(chunk):
                results = [(i, produce(i), collect()) for i in chunk]
            if progress:
                progress(len(chunk))
            yield from results
        return
    if count < PARALLEL_MIN:  # an incremental export: a few runs each, slow ones first
        ahead = list(dict.fromkeys(i for i in first if 0 <= i < count))
        order = [*ahead, *sorted(set(range(count)) - set(ahead))]
        size = max(1, count // (4 * workers))
        chunks = [order[start : start + size] for start in range(0, len(order), size)]
    connections.close_all()  # each worker opens its own; the parent reopens after
    _job = (produce, collect, batch)
    if count >= PARALLEL_MIN:
        gc.collect()  # a full collection costs more than a small job saves
    gc.freeze()  # inherited objects stay out of the workers' collections (no copy-on-write)
    pending: dict[int, tuple] = {}
    next_i = 0
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(chunks))) as pool:
            for done in pool.imap_unordered(_work, chunks):
                for i, result, extra in done:
                    pending[i] = (result, extra)
                if progress:
                    progress(len(done))
                while next_i in pending:
                    result, extra = pending.pop(next_i)
                    yield next_i, result, extra
                    next_i += 1
        if next_i != count:  # a worker's pages never came back: never a silent gap
            raise MirrorError(f"rendered {next_i} of {count} pages")
    finally:
        _job = None
        gc.unfreeze()
