"""Run the production app server (gunicorn) on the samizdat WSGI application."""

import os
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
        self.stdout.write(f"Serving on http://{options['host']}:{options['port']}/")
        sys.stdout.flush()
        os.execv(sys.executable, argv)
