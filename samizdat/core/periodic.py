"""Periodic jobs, run by the background worker (``samizdat worker``).

Apps register small, idempotent jobs in their ``AppConfig.ready()``::

    periodic.register("publishing.announce-due", every=60)(announce_due)

The worker calls :func:`run_due` in its loop; a job runs when ``every`` seconds have passed
since it last ran in that worker. Jobs must be safe to run twice (several workers may run
them), and a failing job is logged and retried at its next turn, never stopping the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: int  # seconds
    func: Callable[[], object]


_jobs: dict[str, Job] = {}


def register(name: str, every: int) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register ``func`` to run every ``every`` seconds (re-registering a name replaces it)."""
    if every < 1:
        raise ValueError("a periodic job needs an interval of at least one second")

    def decorator(func: Callable[[], object]) -> Callable[[], object]:
        _jobs[name] = Job(name, every, func)
        return func

    return decorator


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def run_due(last_run: dict[str, float], now: float | None = None) -> list[str]:
    """Run every job whose interval has passed; ``last_run`` (name → time) is updated."""
    now = time.time() if now is None else now
    ran = []
    for job in jobs():
        if now - last_run.get(job.name, float("-inf")) < job.every:
            continue
        last_run[job.name] = now
        try:
            job.func()
        except Exception:  # one broken job must not stop the worker or the other jobs
            log.exception("periodic job %s failed; it runs again in %s s", job.name, job.every)
        ran.append(job.name)
    return ran
