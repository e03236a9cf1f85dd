"""Run the production app server: gunicorn with its asyncio (ASGI) worker by default.

The worker class was chosen by measurement (docs/performance.md, "The app server"): gunicorn's
sync worker stops answering everyone while as many slow clients as it has workers hold a
connection (slowloris); its threaded worker is blocked by one slow client per thread; the
asyncio worker reads headers and bodies and writes answers without a thread per connection,
so 100 held slow connections leave the other readers served. ``--worker-class gthread`` or
``sync`` (the WSGI application) remain for comparison and for sites behind nginx.

Unless ``--no-worker``, the background worker (``samizdat worker``: queued mail, periodic jobs)
is started first as a child process that dies with this one: on Linux the kernel sends it
SIGTERM when its parent (this process, which becomes gunicorn's master) ends, and the worker
also stops by itself when it finds its parent gone.
"""

import ctypes
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

# A unix socket path must fit in sun_path (108 bytes on Linux).
MAX_SOCKET_PATH = 100
# gunicorn worker class → the application it serves.
WORKER_CLASSES = {
    "asgi": "samizdat.asgi:application",
    "gthread": "samizdat.wsgi:application",
    "sync": "samizdat.wsgi:application",
}
# Where samizdat's own worker class replaces gunicorn's (samizdat/core/gunicorn_worker.py).
WORKER_IMPLEMENTATIONS = {"asgi": "samizdat.core.gunicorn_worker.FairAcceptWorker"}


def run_dir(port: int) -> Path:
    """This instance's own directory for gunicorn's control socket, pid and heartbeat files.

    gunicorn's default control socket is one per user (~/.gunicorn/gunicorn.ctl), so a second
    instance on the host would take it over; each site (data dir) and port gets its own.
    """
    path = Path(settings.DATA_DIR) / "run" / f"serve-{port}"
    if len(str(path / "gunicorn.ctl")) > MAX_SOCKET_PATH:
        return Path(tempfile.mkdtemp(prefix=f"samizdat-serve-{port}-"))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn (pre-fork; asyncio workers by default). nginx in front "
        "is recommended for large sites (docs/deploy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.SERVE_HOST)
        parser.add_argument("--port", type=int, default=settings.SERVE_PORT)
        parser.add_argument("--workers", type=int, default=settings.SERVE_WORKERS)
        parser.add_argument("--timeout", type=int, default=30)
        parser.add_argument(
            "--worker-class",
            choices=sorted(WORKER_CLASSES),
            default="asgi",
            help="gunicorn worker: asgi (default; slow clients do not block it), gthread, sync",
        )
        parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the background worker (systemd runs `samizdat worker` itself)",
        )

    def handle(self, *args, **options):
        run = run_dir(options["port"])
        worker_class = options["worker_class"]
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            WORKER_CLASSES[worker_class],
            "--worker-class",
            WORKER_IMPLEMENTATIONS.get(worker_class, worker_class),
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--timeout",
            str(options["timeout"]),
            "--control-socket",
            str(run / "gunicorn.ctl"),
            "--pid",
            str(run / "gunicorn.pid"),
            "--worker-tmp-dir",
            str(run),
            "--access-logfile",
            "-",
            # The access log records no client address, no query string (searches) and times
            # only to the minute (privacy of readers and commenters; docs/privacy.md).
            "--access-logformat",
            '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss',
            "--logger-class",
            "samizdat.privacy.gunicorn_log.MinuteLogger",
            "--forwarded-allow-ips",
            settings.FORWARDED_ALLOW_IPS,
            # No request header becomes SCRIPT_NAME or PATH_INFO, whoever sends it (gunicorn
            # trusts those two from forwarded-allow-ips by default; docs/http.md).
            "--forwarder-headers",
            "",
            # Request lines up to nginx's default 8k buffer reach the app (a 404, not a bare 400).
            "--limit-request-line",
            "8190",
        ]
        if worker_class == "gthread":
            argv += ["--threads", str(options["threads"])]
        if not options["no_worker"]:
            worker = start_worker()
            self.stdout.write(f"Background worker started (pid {worker.pid}).")
        self.stdout.write(f"Serving on http://{options['host']}:{options['port']}/")
        sys.stdout.flush()
        os.execv(sys.executable, argv)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the worker notices its parent is gone within a second


def start_worker() -> subprocess.Popen:
    """``samizdat worker`` as a child that ends when this process (gunicorn's master) ends."""
    return subprocess.Popen(
        [sys.executable, "-m", "samizdat.cli", "worker"],
        stdin=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )
