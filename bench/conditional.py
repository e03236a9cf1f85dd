"""What a 304 saves: full GETs against conditional GETs through the real server.

Run: .venv/bin/python -m bench.conditional [--n 200] [--workers 2]

Sets up a throwaway data directory with the demo content (SQLite), starts ``samizdat serve``
(gunicorn) on a free loopback port, and for each page type sends N plain GETs, then N GETs
with the ETag of the first answer (If-None-Match). Prints bytes on the wire per answer (status
line, headers and body) and the median / 90th percentile time per request, one request at a
time on a fresh connection — the cost a revalidating reader, feed reader or CDN pays.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

PAGES = {
    "statement page (comments open)": "/ru/statements/o-zaprete-partii/",
    "home": "/ru/",
    "section listing": "/ru/statements/",
    "Atom feed": "/ru/feeds/atom.xml",
    "sitemap.xml": "/sitemap.xml",
}


def raw_get(host: str, port: int, path: str, etag: str | None) -> tuple[int, int, str, float]:
    """(status, bytes received, ETag, seconds) of one GET on a new connection."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    if etag:
        lines.append(f"If-None-Match: {etag}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    started = time.perf_counter()
    with socket.create_connection((host, port), timeout=20) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    elapsed = time.perf_counter() - started
    data = b"".join(chunks)
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    status = int(head.split(" ", 2)[1])
    found = [
        ln.split(":", 1)[1].strip() for ln in head.split("\r\n") if ln.lower().startswith("etag:")
    ]
    return status, len(data), (found[0] if found else ""), elapsed


def measure(host, port, path, n, etag):
    results = [raw_get(host, port, path, etag) for _ in range(n)]
    times = sorted(r[3] for r in results)
    statuses = {r[0] for r in results}
    return statuses, results[0][1], statistics.median(times), times[int(len(times) * 0.9) - 1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args([] if argv is None else argv)
    from samizdat.core.tests.server import Server, make_demo_site

    with tempfile.TemporaryDirectory(prefix="bench-conditional-") as tmp:
        print("setting up the demo site …", file=sys.stderr)
        data_dir = make_demo_site(Path(tmp))
        server = Server(data_dir, workers=args.workers)
        try:
            for path in PAGES.values():  # warm up every worker
                for _ in range(4):
                    raw_get(server.host, server.port, path, None)
            print(
                f"{'page':32} {'200 bytes':>10} {'304 bytes':>10} {'200 p50 ms':>11} "
                f"{'304 p50 ms':>11} {'200 p90':>8} {'304 p90':>8}  saved"
            )
            for name, path in PAGES.items():
                _s, _b, etag, _t = raw_get(server.host, server.port, path, None)
                full = measure(server.host, server.port, path, args.n, None)
                cond = measure(server.host, server.port, path, args.n, etag)
                assert full[0] == {200} and cond[0] == {304}, (name, full[0], cond[0])
                print(
                    f"{name:32} {full[1]:>10} {cond[1]:>10} {full[2] * 1000:>11.2f} "
                    f"{cond[2] * 1000:>11.2f} {full[3] * 1000:>8.2f} {cond[3] * 1000:>8.2f}  "
                    f"{100 * (1 - cond[1] / full[1]):.0f}% bytes, "
                    f"{100 * (1 - cond[2] / full[2]):.0f}% time"
                )
        finally:
            server.stop()
    print(
        f"(n={args.n} sequential requests each, new connection per request, "
        f"gunicorn --workers {args.workers}, SQLite, demo content)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
