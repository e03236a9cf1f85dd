"""`samizdat worker`: send queued mail and run the periodic jobs (see samizdat/core/worker.py)."""

import sys

from django.core.management.base import BaseCommand

from samizdat.core.worker import Worker


class Command(BaseCommand):
    help = (
        "Run the background worker: queued tasks (mail) and periodic jobs, until SIGTERM. "
        "`samizdat serve` starts one unless given --no-worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds between looks at the queue when it is empty (default 1)",
        )
        parser.add_argument(
            "--batch", action="store_true", help="one turn: run what is due now, then exit"
        )

    def handle(self, *args, **options):
        def say(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        if options["interval"] <= 0 or options["interval"] != options["interval"]:
            self.stderr.write("--interval must be a positive number of seconds")
            sys.exit(2)
        worker = Worker(interval=options["interval"], say=say)
        worker.install_signal_handlers()
        worker.run(batch=options["batch"])
