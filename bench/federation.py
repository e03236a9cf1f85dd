"""Deliveries per second to 1,000 follower inboxes on loopback, against unsigned POSTs.

Run: .venv/bin/python -m bench.federation [--n 1000]

A throwaway data directory (SQLite) with one actor and N followers, each with its own inbox on
a local inbox server (threaded, loopback) that checks every signed request: Digest against the
body and the draft-cavage signature against our actor's public key. Measured, one delivery at
a time as one worker does them:

* baseline — plain POSTs of the same Create body, no signature, no database (the transport);
* signed deliveries — what the ``deliver`` task does per row: claim the Delivery row, sign
  (RSA-2048, SHA-256), POST, record the state; the server verifies each one;
* the fan-out — making the N Delivery rows and queueing their tasks (``delivery.queue``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def _setup(data_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.settings")
    os.environ["SAMIZDAT_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("SAMIZDAT_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    os.environ["SAMIZDAT_FEDERATION_ALLOW_PRIVATE"] = "1"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Inboxes:
    """The followers' server: 202 for a verified (or an unsigned baseline) POST, 401 else."""

    def __init__(self, public_key_pem: str):
        from samizdat.federation import signatures

        self.verified = self.refused = self.unsigned = 0
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = 202
                if "signature" not in headers:
                    with lock:
                        outer.unsigned += 1
                else:
                    try:
                        if headers.get("digest") != signatures.digest(body):
                            raise signatures.SignatureError("digest")
                        params = signatures.parse(headers["signature"])
                        signatures.verify("POST", self.path, headers, params, public_key_pem)
                        with lock:
                            outer.verified += 1
                    except signatures.SignatureError:
                        status = 401
                        with lock:
                            outer.refused += 1
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def _progress(label: str, done: int, total: int) -> None:
    if done % 100 == 0 or done == total:
        print(f"\r  {label}: {done}/{total}", end="" if done < total else "\n", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.federation")
    parser.add_argument("--n", type=int, default=1000, help="follower inboxes (default 1000)")
    args = [a for a in (sys.argv[1:] if argv is None else argv) if a != "federation"]
    n = parser.parse_args(args).n
    with tempfile.TemporaryDirectory(prefix="samizdat-bench-federation-") as tmp:
        _setup(Path(tmp))
        from django.db.models import Count

        from samizdat.federation import activities, delivery, keys
        from samizdat.federation.models import Delivery, Follower
        from samizdat.publishing.tests.factories import make_statement

        actor = keys.actor_for("ru")
        server = Inboxes(actor.public_key)
        inboxes = [f"{server.url}/users/{i}/inbox" for i in range(n)]
        Follower.objects.bulk_create(
            Follower(actor=actor, uri=f"{server.url}/users/{i}", inbox=inbox)
            for i, inbox in enumerate(inboxes)
        )
        statement = make_statement(
            "Заявление для замера", body="Абзац заявления для замера доставки. " * 60
        )
        activity = activities.create(statement)
        body = json.dumps(activity, ensure_ascii=False).encode()

        started = time.perf_counter()
        for i, inbox in enumerate(inboxes, 1):
            request = urllib.request.Request(
                inbox,
                data=body,
                method="POST",
                headers={"Content-Type": activities.CONTENT_TYPE},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
            _progress("baseline (unsigned POST)", i, n)
        baseline = time.perf_counter() - started

        from samizdat.federation import remote

        started = time.perf_counter()
        for i, inbox in enumerate(inboxes, 1):
            assert remote.post(inbox, body, actor) == 202
            _progress("signed POST (no bookkeeping)", i, n)
        signed_only = time.perf_counter() - started

        started = time.perf_counter()
        pks = delivery.queue(actor, activity, delivery.inboxes(actor))
        fan_out = time.perf_counter() - started

        started = time.perf_counter()
        for i, pk in enumerate(pks, 1):
            delivery.deliver.call(pk)
            _progress("signed deliveries (deliver task)", i, n)
        signed = time.perf_counter() - started
        states = dict(Delivery.objects.values_list("state").annotate(c=Count("pk")).order_by())

    rows = [
        ("unsigned POST (baseline)", n / baseline, 1.0),
        ("signed POST (no bookkeeping)", n / signed_only, baseline / signed_only),
        ("signed delivery (deliver task)", n / signed, baseline / signed),
    ]
    print(f"\nfederation: {n} follower inboxes on loopback, body {len(body)} bytes, one worker")
    print(f"{'':34} {'per second':>12} {'vs baseline':>12}")
    for label, rate, ratio in rows:
        print(f"{label:34} {rate:12.1f} {ratio:11.2f}×")
    print(f"fan-out (rows + queued tasks)      {n / fan_out:12.1f} rows/s ({fan_out:.2f} s)")
    print(
        f"server: {server.verified} signatures verified, {server.refused} refused, "
        f"{server.unsigned} unsigned; delivery states {states}"
    )


if __name__ == "__main__":
    main()
