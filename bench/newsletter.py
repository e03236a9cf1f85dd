"""Newsletter send rate: mails per second to an aiosmtpd server on loopback.

Run: .venv/bin/python -m bench.newsletter [--n 300]

Sets up a throwaway SQLite data directory, N confirmed subscribers and one published
statement, then sends it through the real path (``send_batch`` tasks run by the database
queue, one delivery row claimed and marked per mail, ``SAMIZDAT_NEWSLETTER_RATE=0``: no pacing)
and, as the baseline, the same message N times with plain ``smtplib`` on one connection.
Prints mails/s for both and the ratio (what the resumable bookkeeping costs).
"""

from __future__ import annotations

import argparse
import os
import smtplib
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="recipients (default 300)")
    n = parser.parse_args().n
    data_dir = Path(tempfile.mkdtemp(prefix="samizdat-bench-newsletter-"))
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(
        SAMIZDAT_DATA_DIR=str(data_dir),
        SAMIZDAT_SECRET_KEY="bench-only-secret-key-0123456789abcdef",
        DJANGO_SETTINGS_MODULE="samizdat.settings",
        SAMIZDAT_NEWSLETTER_RATE="0",
        SAMIZDAT_NEWSLETTER_BATCH="100",
        SAMIZDAT_EMAIL_HOST="127.0.0.1",
        SAMIZDAT_EMAIL_USE_TLS="0",
    )
    from samizdat.core.tests.smtp import SMTPServer

    server = SMTPServer().__enter__()
    os.environ["SAMIZDAT_EMAIL_PORT"] = str(server.port)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from samizdat.newsletter.message import Composer
    from samizdat.newsletter.models import Subscriber
    from samizdat.newsletter.sending import start_send
    from samizdat.publishing.tests.factories import make_statement

    print(f"setting up {n} subscribers in {data_dir} …", file=sys.stderr)
    call_command("migrate", verbosity=0)
    statement = make_statement(title="Заявление для замера", language="ru")
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(email=f"r{i}@example.org", language="ru", confirmed_at=now) for i in range(n)
    )
    # Baseline: the same message, N times, raw smtplib on one connection.
    message = (
        Composer(statement).message("r0@example.org", "k" * 32).message().as_bytes(linesep="\r\n")
    )
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as smtp:
        for i in range(n):
            smtp.sendmail("bench@localhost", [f"r{i}@example.org"], message)
    raw = time.perf_counter() - started
    server.handler.messages.clear()
    # The real path: start_send, then the worker runs the batch tasks until the send is done.
    print("sending through the task queue …", file=sys.stderr)
    started = time.perf_counter()
    start_send(statement)
    call_command("worker", "--batch", stdout=open(os.devnull, "w"))
    real = time.perf_counter() - started
    received = len(server.messages)
    server.__exit__(None, None, None)
    print(f"\nnewsletter send rate, {n} mails to aiosmtpd on loopback (load: shared machine)")
    print(f"{'path':<48}{'seconds':>10}{'mails/s':>10}")
    print(f"{'raw smtplib, one connection (baseline)':<48}{raw:>10.2f}{n / raw:>10.1f}")
    print(
        f"{'samizdat send_batch (claim, send, mark sent)':<48}{real:>10.2f}{received / real:>10.1f}"
    )
    print(f"ratio samizdat / baseline: {(received / real) / (n / raw):.2f}  (received {received})")
    return 0 if received == n else 1


if __name__ == "__main__":
    sys.exit(main())
