"""The background worker: runs queued tasks and the periodic jobs, until told to stop.

One loop for both task backends: each turn runs the periodic jobs that are due
(:func:`samizdat.core.periodic.run_due`), then every task that is ready (the database backend
through django-tasks-db's worker, the RQ backend through an RQ worker in burst mode), then
sleeps. SIGTERM or SIGINT finish the task at hand and stop the loop.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.signals import task_finished, task_started

from . import periodic

log = logging.getLogger(__name__)
FAILURE_PAUSE = 10  # seconds to wait after a failed turn (database or Redis unreachable)


class Worker:
    def __init__(self, *, interval: float = 1.0, say: Callable[[str], None] = print) -> None:
        self.interval = interval
        self.say = say
        self.stopping = threading.Event()
        self.last_run: dict[str, float] = {}
        self.worker_id = f"samizdat-{os.getpid()}-{get_random_string(8)}"
        self.tasks_run = 0
        self._db_worker = None

    # -- signals ---------------------------------------------------------------------------
    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def stop(self, signum: int | None = None, frame=None) -> None:
        if not self.stopping.is_set() and signum is not None:
            self.say(f"worker: {signal.Signals(signum).name} received, stopping")
        self.stopping.set()
        if self._db_worker is not None:
            self._db_worker.running = False  # finish the task at hand, take no more

    # -- output ----------------------------------------------------------------------------
    @staticmethod
    def _label(task_result) -> str:
        """e.g. "deliver_mail(discussion.reply) 3f2c…": the task and its kind, never its data."""
        args = task_result.args
        kind = f"({args[0]})" if args and isinstance(args[0], str) else ""
        return f"{task_result.task.name}{kind} {str(task_result.id)[:8]}"

    def _started(self, sender, task_result, **kwargs) -> None:
        self.say(f"task {self._label(task_result)}: started")

    def _finished(self, sender, task_result, **kwargs) -> None:
        self.tasks_run += 1
        outcome = task_result.status.lower()
        try:
            value = task_result.return_value
        except Exception:  # failed: no return value
            value = None
        if isinstance(value, dict) and value:
            outcome += " " + ", ".join(f"{k} {v}" for k, v in value.items())
        self.say(f"task {self._label(task_result)}: {outcome}")

    # -- the loop --------------------------------------------------------------------------
    def backend_name(self) -> str:
        return type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]).__name__

    def run_tasks(self) -> None:
        """Run every task that is ready now."""
        if self.backend_name() == "RQBackend":
            self._run_rq()
        else:
            self._run_database()

    def _run_database(self) -> None:
        from django_tasks_db.management.commands.db_worker import Worker as DBWorker

        self._db_worker = DBWorker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        try:
            if not self.stopping.is_set():
                self._db_worker.run()
        finally:
            self._db_worker = None

    def _run_rq(self) -> None:
        import django_rq
        from django_tasks_rq.backend import Job
        from rq import SimpleWorker

        queues = [django_rq.get_queue(name, job_class=Job) for name in settings.RQ_QUEUES]
        rq_worker = SimpleWorker(
            queues,
            connection=queues[0].connection,
            job_class=Job,
            name=f"{self.worker_id}-{get_random_string(4)}",
        )
        try:
            rq_worker.work(burst=True, with_scheduler=True, logging_level="WARNING")
        finally:
            if getattr(rq_worker, "_shutdown_requested_date", None):
                self.stopping.set()  # RQ had taken over SIGTERM during its burst
            self.install_signal_handlers()

    def run_once(self) -> None:
        for name in periodic.run_due(self.last_run):
            self.say(f"periodic {name}: done")
        close_old_connections()
        self.run_tasks()
        close_old_connections()

    def run(self, *, batch: bool = False) -> None:
        """Loop until stopped (``batch``: one turn, e.g. for cron or tests)."""
        task_started.connect(self._started)
        task_finished.connect(self._finished)
        jobs = ", ".join(job.name for job in periodic.jobs()) or "none"
        self.say(
            f"worker: {self.backend_name()} queue, every {self.interval:g} s; periodic jobs: {jobs}"
        )
        parent = os.getppid()
        try:
            while not self.stopping.is_set():
                started = time.monotonic()
                try:
                    self.run_once()
                except Exception as error:  # e.g. the database restarting: keep the worker up
                    if batch:
                        raise
                    log.exception("worker turn failed; trying again in %s s", FAILURE_PAUSE)
                    self.say(f"worker: turn failed ({type(error).__name__}); again in a moment")
                    self.stopping.wait(FAILURE_PAUSE)
                    continue
                if batch:
                    break
                if os.getppid() != parent:  # the `samizdat serve` that started us is gone
                    self.say("worker: parent process ended, stopping")
                    break
                self.stopping.wait(max(0.0, self.interval - (time.monotonic() - started)))
        finally:
            task_started.disconnect(self._started)
            task_finished.disconnect(self._finished)
        self.say(f"worker: stopped after {self.tasks_run} task(s)")
