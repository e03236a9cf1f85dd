"""Mirror network: publish to three targets (dir, rsync daemon, moto S3) on N statements.

Run: .venv/bin/python -m bench.mirror_publish [--n 10000]

A throwaway data directory gets N statements (bench.mirror's generator), a site key and a
mirrors.toml with a ``dir`` target, an ``rsync`` target (Debian's rsync as a daemon on a
loopback port) and an ``s3`` target (moto's ThreadedMotoServer on loopback). Timed:

1. first publication (full export, every file to every target);
2. publication with no change — the baseline: export planning, hashing, the re-signed list;
3. publication after one statement's body changed (target: only the changed files travel).

For each: per target the files and bytes sent (rsync: bytes on the wire) and the time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.mirror import seed, setup


def rsync_daemon(tmp: Path) -> tuple[subprocess.Popen, str]:
    import socket

    root = tmp / "rsync-root"
    root.mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = tmp / "rsyncd.conf"
    conf.write_text(
        f"use chroot = no\n[m]\n path = {root}\n read only = no\n uid = root\n gid = root\n"
    )
    proc = subprocess.Popen(
        [
            "rsync",
            "--daemon",
            "--no-detach",
            f"--config={conf}",
            f"--port={port}",
            "--address=127.0.0.1",
        ]
    )
    time.sleep(1)
    return proc, f"rsync://127.0.0.1:{port}/m/"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.mirror_publish")
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix="samizdat-bench-publish-") as tmp:
        run(Path(tmp), args.n)


def run(tmp: Path, n: int) -> None:
    import os
    import secrets

    (tmp / "data").mkdir()
    os.environ.setdefault("SAMIZDAT_SECRET_KEY", secrets.token_urlsafe(40))
    setup(tmp / "data")
    seed(n)
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    from samizdat.authenticity import keys
    from samizdat.mirror import export as export_module
    from samizdat.mirror.network.publish import publish
    from samizdat.publishing.models import Statement

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    keys.generate_site_key(None)
    real_stamp, first = export_module.code_stamp, []
    export_module.code_stamp = lambda: first[0] if first else first.append(real_stamp()) or first[0]

    os.environ["AWS_ACCESS_KEY_ID"] = os.environ["AWS_SECRET_ACCESS_KEY"] = "bench"
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(
        Bucket="mirror"
    )
    daemon, rsync_url = rsync_daemon(tmp)
    (tmp / "data" / "mirrors.toml").write_text(
        f'export_dir = "{tmp / "export"}"\nbase_url = "https://samizdat.example"\n'
        f'[targets.dir]\nkind = "dir"\nurl = "https://dir.example/"\npath = "{tmp / "dir"}"\n'
        f'[targets.rsync]\nkind = "rsync"\nurl = "https://rsync.example/"\n'
        f'destination = "{rsync_url}"\n'
        f'[targets.s3]\nkind = "s3"\nurl = "https://s3.example/"\nbucket = "mirror"\n'
        f'endpoint = "{endpoint}"\n'
    )
    rows = []
    try:
        for label in ("first publication", "no change (baseline)", "one statement changed"):
            if label == "one statement changed":
                statement = Statement.objects.get(slug=f"s-{n // 2}")
                statement.body += "\n\nИсправлено."
                statement.save()
            start = time.perf_counter()
            result = publish(quiet=True)
            rows.append((label, time.perf_counter() - start, result))
    finally:
        daemon.terminate()
        moto.stop()
    tree = sum(1 for p in (tmp / "data" / "mirror-network" / "tree").rglob("*") if p.is_file())
    print(f"\nMirror network publish, {n} statements, {tree} files in the tree\n")
    print(
        f"{'run':24} {'total s':>8} {'export s':>9}  "
        + "  ".join(f"{t:>24}" for t in ("dir", "rsync", "s3"))
    )
    for label, seconds, result in rows:
        cells = []
        for r in sorted(result.reports, key=lambda r: ("dir", "rsync", "s3").index(r.name)):
            cells.append(
                f"{r.files:>6} f {r.bytes:>10} B {r.seconds:>5.1f}s"
                if not r.error
                else r.error[:24]
            )
        print(f"{label:24} {seconds:8.1f} {result.export_seconds:9.1f}  " + "  ".join(cells))
    last = {r.name: r for r in rows[-1][2].reports}
    print(
        "\nAfter one changed statement: "
        + ", ".join(f"{k} sent {v.files} of {tree} files" for k, v in last.items())
    )


if __name__ == "__main__":
    main()
