"""Run the production app server (gunicorn) on the samizdat WSGI application.

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

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn (a pre-fork WSGI server). Put nginx in front in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("SAMIZDAT_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("SAMIZDAT_PORT", 8000)))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("SAMIZDAT_WORKERS", 2))
        )
        parser.add_argument("--timeout", type=int, default=30)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the background worker (run `samizdat worker` separately)",
        )

    def handle(self, *args, **options):
        if settings.SECRET_KEY_EPHEMERAL and not settings.SECRET_KEY_FILE.exists():
            raise CommandError(
                f"No secret key at {settings.SECRET_KEY_FILE}. Run `samizdat init` first."
            )
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "samizdat.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--timeout",
            str(options["timeout"]),
            "--access-logfile",
            "-",
            # The access log records no client address (privacy of readers and commenters).
            "--access-logformat",
            '%(t)s "%(r)s" %(s)s %(b)s %(L)ss',
            "--forwarded-allow-ips",
            os.environ.get("SAMIZDAT_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            # No request header becomes SCRIPT_NAME or PATH_INFO, whoever sends it (gunicorn
            # trusts those two from forwarded-allow-ips by default; docs/http.md).
            "--forwarder-headers",
            "",
            # Request lines up to nginx's default 8k buffer reach the app (a 404, not a bare 400).
            "--limit-request-line",
            "8190",
        ]
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
