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
            # The access log records no client address, no query string (searches) and times
            # only to the minute (privacy of readers and commenters; docs/privacy.md).
            "--access-logformat",
            '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss',
            "--logger-class",
            "samizdat.privacy.gunicorn_log.MinuteLogger",
            "--forwarded-allow-ips",
            os.environ.get("SAMIZDAT_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        self.stdout.write(f"Serving on http://{options['host']}:{options['port']}/")
        sys.stdout.flush()
        os.execv(sys.executable, argv)
