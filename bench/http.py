"""Requests per second through the real server, per page type, against two baselines.

Run: .venv/bin/python -m bench.http [--quick] [--duration 8] [--repeat 3] [--workers 2]
     [--pg postgres://127.0.0.1:5432/NAME | --no-pg] [--no-sqlite]
     [--worker-class asgi|gthread|sync]
     [--src DIR]   (another checkout's samizdat, e.g. the code before a change)

For SQLite and for PostgreSQL (a fresh database NAME_http, dropped afterwards) a throwaway data
dir gets the content shape of issue 12 (``bench.content``: 1,000 Russian statements of ~840
words, 20 comments on one), ``samizdat serve --workers 2`` starts on a loopback port with
bench.http_settings (the site plus a bare Django "hello" view, the ceiling), and wrk (Debian's
package; 2 threads × 16 connections) runs against each page type. nginx serving a 20 KB file is
the machine's limit. Printed: req/s, p50, p99, errors, and ratios to the hello view (targets:
statement, listings and feeds ≥ 50 %, search ≥ 25 %). Pages run in rounds (every page once
per round, ``--repeat`` rounds, the median per page), so the machine's drift is shared by all
of them. With ``bench.comments`` present, the comment cycle (16 clients: GET form → solve →
POST; target ≥ 300/s) and POSTs alone (target ≥ 500/s) are printed too, with the accepted
comments counted in the database. ``--memory`` also prints each worker's RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("hello", "statement", "home", "section", "tag", "rss", "atom", "sitemap", "search")
TARGETS = {"statement": 0.5, "home": 0.5, "section": 0.5, "tag": 0.5, "rss": 0.5}
TARGETS |= {"atom": 0.5, "sitemap": 0.5, "search": 0.25}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, seconds: int, connections: int = 16) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\b", out, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non2xx.group(1)) if non2xx else 0
    return {"rps": float(rps.group(1)) if rps else 0.0, "p50": ms("50"), "p99": ms("99"),
            "errors": errors}  # fmt: skip


def median(runs: list[dict]) -> dict:
    """The median run (by req/s), with every run's req/s in the order they ran."""
    ordered = sorted(runs, key=lambda r: r["rps"])
    return ordered[len(ordered) // 2] | {"runs": [round(r["rps"]) for r in runs]}


def wrk_rounds(urls: dict[str, str], seconds: int, repeat: int, label: str) -> dict:
    """``repeat`` rounds of one wrk run per page, the median per page.

    Single runs of a page differ by up to 2× (one worker's event loop may accept most of wrk's
    16 connections: docs/performance.md, "Accepting connections"), and this machine's speed
    drifts over a minute. Rounds spread that drift over every page, the ceiling included,
    instead of charging it to whichever page ran in a slow minute."""
    runs: dict[str, list[dict]] = {page: [] for page in urls}
    for round_ in range(repeat):
        for page, url in urls.items():
            print(f"{label}: round {round_ + 1}/{repeat}, wrk {page} …", file=sys.stderr,
                  flush=True)  # fmt: skip
            runs[page].append(wrk(url, seconds))
    return {page: median(page_runs) for page, page_runs in runs.items()}


def env_for(data_dir: Path, database_url: str, src: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMIZDAT_", "DJANGO_"))}
    env.update(
        SAMIZDAT_DATA_DIR=str(data_dir),
        SAMIZDAT_SECRET_KEY="bench-http",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.http_settings",
        PYTHONPATH=str(src),
    )
    # Anti-spam relaxed for the comment-cycle row (bench.comments): page answers don't change.
    try:
        from bench.comments import RELAXED
    except ImportError:
        RELAXED = {}
    env.update(RELAXED)
    return env


def prepare_src(src: Path | None, tmp: Path) -> Path:
    """The tree the server runs from: this one, or a copy of --src with this bench's modules."""
    if src is None:
        return ROOT
    tree = tmp / "src"
    shutil.copytree(src / "samizdat", tree / "samizdat")
    shutil.copytree(ROOT / "bench", tree / "bench")
    return tree


def start_server(env: dict, src: Path, workers: int, worker_class: str) -> tuple:
    port = free_port()
    cmd = [sys.executable, "-m", "samizdat.cli", "serve", "--host", "127.0.0.1", "--port",
           str(port), "--workers", str(workers), "--no-worker"]  # fmt: skip
    if (src / "samizdat" / "asgi.py").exists():
        cmd += ["--worker-class", worker_class]
    log = open(Path(env["SAMIZDAT_DATA_DIR"]) / "serve.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(cmd, env=env, cwd=src, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    from samizdat.core.tests.slowclients import timed_get

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if timed_get("127.0.0.1", port, "/robots.txt", timeout=5)[0] == 200:
                return proc, port
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise SystemExit("server did not start: " + (Path(log.name).read_text()[-2000:]))


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def worker_rss_mb(master: int) -> list[float]:
    """VmRSS of every gunicorn worker (children of the master) in MB."""
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master}$", text, re.M):
            rss = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
            if rss:
                out.append(int(rss.group(1)) / 1024)
                anon = re.search(r"^RssAnon:\s+(\d+) kB", text, re.M)
                print(
                    f"  worker {status.parent.name}: {text.splitlines()[0]} VmRSS "
                    f"{rss.group(1)} kB RssAnon {anon and anon.group(1)} kB",
                    file=sys.stderr,
                )
    return out


def nginx_limit(tmp: Path, seconds: int) -> dict | None:
    if not shutil.which("nginx"):
        return None
    root = tmp / "nginx"
    (root / "www").mkdir(parents=True)
    (root / "www" / "file.html").write_bytes(b"x" * 20 * 1024)
    os.chmod(tmp, 0o755)
    for path in (root, root / "www"):
        os.chmod(path, 0o755)
    port = free_port()
    (root / "nginx.conf").write_text(f"""
worker_processes 2; pid {root}/nginx.pid; error_log {root}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {root}/b; proxy_temp_path {root}/p;
  fastcgi_temp_path {root}/f; uwsgi_temp_path {root}/u; scgi_temp_path {root}/s;
  server {{ listen 127.0.0.1:{port}; root {root}/www; }} }}
""")
    proc = subprocess.Popen(["nginx", "-c", str(root / "nginx.conf"), "-g", "daemon off;"],
                            start_new_session=True, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        time.sleep(1)
        return wrk(f"http://127.0.0.1:{port}/file.html", seconds)
    finally:
        stop(proc)


def comment_counter(database_url: str):
    """How many comments carrying a run's marker are in the database (bench.comments)."""
    from bench import comments

    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        return comments.sqlite_counter(path.parent, path.name)
    return comments.postgres_counter(database_url)


def comments_rows(base_url: str, statement_path: str, seconds: int, database_url: str) -> dict:
    """The comment cycle (GET form → solve → POST) and POSTs alone, 16 clients each, with
    the accepted comments counted in the database afterwards."""
    try:
        from bench import comments
    except ImportError:
        return {}
    stored = comment_counter(database_url)
    return {
        "_comments": comments.run(
            base_url, statement_path, clients=16, seconds=seconds, stored=stored
        ),
        "_posts": comments.posts_only(
            base_url, statement_path, clients=16, forms=25 * seconds, stored=stored
        ),
    }


def run_backend(name: str, database_url: str, args, tmp: Path, src: Path) -> dict:
    data_dir = tmp / name
    data_dir.mkdir()
    env = env_for(data_dir, database_url, src)
    print(f"{name}: seeding {args.n} statements …", file=sys.stderr, flush=True)
    seeded = subprocess.run(
        [sys.executable, "-m", "bench.content", "--n", str(args.n), "--words", str(args.words)],
        env=env, cwd=src, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    if seeded.returncode != 0:
        raise SystemExit(seeded.stderr[-3000:])
    paths = json.loads(seeded.stdout.strip().splitlines()[-1]) | {"hello": "/bench-hello/"}
    paths = {k: quote(v, safe="/?=&") for k, v in paths.items()}  # wrk sends the URL as given
    proc, port = start_server(env, src, args.workers, args.worker_class)
    base = f"http://127.0.0.1:{port}"
    rows: dict = {}
    try:
        for page in PAGES:  # warm every worker
            subprocess.run(["wrk", "-t1", "-c4", "-d1s", base + paths[page]], capture_output=True)
        urls = {page: base + paths[page] for page in PAGES}
        rows.update(wrk_rounds(urls, args.duration, args.repeat, name))
        if args.memory:
            rows["_rss"] = worker_rss_mb(proc.pid)
        rows.update(comments_rows(base, paths["statement"], args.duration, database_url))
    finally:
        stop(proc)
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            shutil.copy(data_dir / "serve.log", args.logs / f"serve-{name}.log")
    return rows


def print_table(name: str, rows: dict, limit: dict | None) -> None:
    hello = rows["hello"]["rps"] or 1
    print(f"\n{name}")
    print(f"{'page':10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'÷ hello':>8} {'target':>7}  runs (req/s)")  # fmt: skip
    for page in PAGES:
        r = rows[page]
        target = TARGETS.get(page)
        mark = "" if target is None else ("ok" if r["rps"] / hello >= target else "MISS")
        target_text = f"≥{target:.0%}" if target else ""
        print(f"{page:10} {r['rps']:>9.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['errors']:>7} "
              f"{r['rps'] / hello:>8.0%} {target_text:>7} {mark:4}  "
              f"{' / '.join(map(str, r.get('runs', [])))}")  # fmt: skip
    if limit:
        share = hello / (limit["rps"] or 1)
        print(f"{'nginx 20KB':10} {limit['rps']:>9.1f} {limit['p50']:>8.1f} {limit['p99']:>8.1f} "
              f"{limit['errors']:>7}   (hello is {share:.1%} of this machine limit)")  # fmt: skip
    if "_rss" in rows:
        print("worker RSS MB: " + ", ".join(f"{x:.0f}" for x in rows["_rss"]))
    for key, label, target in (
        ("_comments", "comment cycles", 300),
        ("_posts", "POSTs alone", 500),
    ):
        if key not in rows:
            continue
        r = rows[key]
        rate = r.get("cycles_per_s", r["posts_per_s"])
        lost = r["accepted"] - r["stored"] if r.get("stored") is not None else None
        ok = rate >= target and not r["errors"] and lost == 0
        print(f"{label:15} {rate:>7.1f}/s  POSTs {r['posts_per_s']:>6.1f}/s  errors "
              f"{r['errors']}  accepted {r['accepted']}  stored {r.get('stored')}  lost {lost}"
              f"  (target ≥{target}/s, 0 errors, 0 lost: {'ok' if ok else 'MISS'})")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.http", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 s per page, 300 statements")
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3, help="wrk runs per page (median)")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--words", type=int, default=840)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="asgi")
    parser.add_argument("--pg", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--memory", action="store_true", help="print each worker's RSS")
    parser.add_argument("--src", type=Path, default=None)
    parser.add_argument("--logs", type=Path, default=None, help="keep the server logs here")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.quick:
        args.duration, args.n = 3, 300
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp_name:
        tmp = Path(tmp_name)
        src = prepare_src(args.src, tmp)
        limit = nginx_limit(tmp, args.duration)
        backends = []
        if not args.no_sqlite:
            backends.append(("SQLite", f"sqlite:///{tmp}/SQLite/bench.sqlite3", None))
        if args.pg.startswith("postgres") and not args.no_pg:
            base_url, _, dbname = args.pg.rpartition("/")
            backends.append(("PostgreSQL", f"{base_url}/{dbname}_http", args.pg))
        for name, url, admin_url in backends:
            if admin_url:
                import psycopg

                with psycopg.connect(admin_url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}"')
                    conn.execute(f'CREATE DATABASE "{url.rpartition("/")[2]}"')
            try:
                rows = run_backend(name, url, args, tmp, src)
            finally:
                if admin_url:
                    with psycopg.connect(admin_url, autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}"')
            print_table(f"{name} ({args.n} statements, {args.workers} workers, "
                        f"wrk 2×16, median of {args.repeat} rounds × {args.duration} s)", rows,
                        limit)  # fmt: skip


if __name__ == "__main__":
    main()
