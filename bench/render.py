"""The cost of a miss: uncached render time of each page type at 1,000 … 100,000 statements.

Run: .venv/bin/python -m bench.render [--n 1000,10000,100000] [--words 300] [--repeat 15]
     [--pg postgres://127.0.0.1:5432/NAME] [--plans FILE] [--export] [--src DIR]

For each N a child process makes a throwaway database (SQLite in a temporary data dir; with
``--pg``, also a fresh PostgreSQL database NAME_render, dropped afterwards), fills it with
``bench.content`` (N Russian statements in one section, 20 comments on the newest), then renders
every page in-process through Django's test client — the whole stack, middleware included —
``--repeat`` times with every cache emptied before each request, and prints the median time,
the queries per page and the ratio against N=1,000 (target: flat, ~1.0). ``--plans FILE``
writes the query plans (EXPLAIN QUERY PLAN / EXPLAIN) of every query of each page at the
largest N. ``--export`` renders each page as the mirror export does (the ``samizdat.export``
environ key: no page cache, no validators, the comments inline without a form).
``--src DIR`` renders with another checkout's ``samizdat`` package too (the baseline, e.g. the
code before a change, in the same run) and prints the ratio of the two per page.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGES = (
    "statement",
    "home",
    "section",
    "section p2",
    "tag",
    "atom",
    "rss",
    "sitemap",
    "sitemap part",
)


def _explain(connection, sql: str) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            return [row[-1] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN " + sql)
        return [row[0] for row in cursor.fetchall()]


def child(n: int, words: int, repeat: int, plans: bool, export: bool = False) -> dict:
    src = os.environ.get("BENCH_RENDER_SRC")
    if src:  # the baseline checkout's samizdat (and bench.content) before ours
        sys.path.insert(0, src)
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.content import seed

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    paths = seed(n, words=words, comments=20, index=False)
    seeded = time.perf_counter() - started
    paths["section p2"] = paths["section"] + "page/2/"
    client = Client(**({"samizdat.export": "1"} if export else {}))
    # The largest file of the sitemap: its first part once it is split (an index).
    split = client.get("/sitemap-1.xml").status_code == 200
    paths["sitemap part"] = "/sitemap-1.xml" if split else paths["sitemap"]
    result = {"n": n, "vendor": connection.vendor, "seed_s": seeded, "pages": {}}
    result["src"] = src or ""

    from samizdat.caching import pages as page_cache

    def clear() -> None:
        for alias in caches:
            caches[alias].clear()
        # The worker's own copies of page-cache entries (samizdat.caching.pages), too.
        getattr(page_cache, "forget_local", lambda: None)()

    for page in PAGES:
        path = paths[page]
        for _ in range(3):  # warm the process (templates, URL resolver), not the page
            clear()
            assert client.get(path).status_code == 200, path
        times = []
        for _ in range(repeat):
            clear()
            t0 = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200
        clear()
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        entry = {"ms": statistics.median(times) * 1000, "queries": len(ctx.captured_queries)}
        if plans:
            entry["plans"] = [
                {"sql": q["sql"], "plan": _explain(connection, q["sql"])}
                for q in ctx.captured_queries
                if q["sql"].lstrip().upper().startswith("SELECT")
            ]
        result["pages"][page] = entry
    status = Path("/proc/self/status").read_text()
    for key in ("VmRSS", "VmHWM"):  # now, and the peak of this one process (one "worker")
        found = re.search(rf"^{key}:\s+(\d+) kB", status, re.M)
        result[key] = int(found.group(1)) / 1024 if found else 0.0
    return result


def _pg_admin(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def run_one(n: int, args, backend: str, pg_url: str | None, src: str = "") -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SAMIZDAT_")}
        env.update(
            DJANGO_SETTINGS_MODULE="samizdat.settings",
            SAMIZDAT_DATA_DIR=tmp,
            SAMIZDAT_SECRET_KEY="bench-render",
            SAMIZDAT_CACHE_URL="locmem://",
            DATABASE_URL=f"sqlite:///{tmp}/render.sqlite3",
        )
        if src:
            env["BENCH_RENDER_SRC"] = src
        dbname = None
        if backend == "postgresql":
            base, _, name = pg_url.rpartition("/")
            dbname = f"{name}_render"
            with _pg_admin(pg_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
                conn.execute(f'CREATE DATABASE "{dbname}"')
            env["DATABASE_URL"] = f"{base}/{dbname}"
        try:
            cmd = [sys.executable, "-m", "bench.render", "--child", str(n)]
            cmd += ["--words", str(args.words), "--repeat", str(args.repeat)]
            cmd += ["--with-plans"] if args.plans else []
            cmd += ["--export"] if args.export else []
            out = subprocess.run(
                cmd, env=env, capture_output=True, text=True, timeout=3600, check=False
            )
            if out.returncode != 0:
                raise SystemExit(f"render child failed (N={n}, {backend}):\n{out.stderr[-3000:]}")
            return json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            if dbname:
                with _pg_admin(pg_url) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')


def print_table(results: list[dict]) -> None:
    base = results[0]
    sizes = " ".join(f"{'N=' + format(r['n'], ','):>13}" for r in results)
    what = f"{base['vendor']}{' (' + base['src'] + ')' if base.get('src') else ''}"
    print(f"\n{what}: uncached render, median ms (queries) and × vs N={base['n']:,}")
    print(f"{'page':12} {sizes}   ratio largest/first")
    for page in PAGES:
        cells = " ".join(
            f"{r['pages'][page]['ms']:>8.1f} ({r['pages'][page]['queries']:>2})" for r in results
        )
        ratio = results[-1]["pages"][page]["ms"] / base["pages"][page]["ms"]
        print(f"{page:12} {cells}   {ratio:5.2f}×")
    memory = " ".join(f"{r['VmRSS']:>8.0f}/{r['VmHWM']:<4.0f}" for r in results)
    print(f"{'RSS/peak MB':12} {memory}   (the rendering process after all pages)")


def print_comparison(before: list[dict], after: list[dict]) -> None:
    """Per page and N: this checkout's median against the baseline checkout's."""
    sizes = " ".join(f"{'N=' + format(r['n'], ','):>22}" for r in after)
    print(f"\n{after[0]['vendor']}: this checkout vs --src, ms (queries), and the ratio")
    print(f"{'page':12} {sizes}")
    for page in PAGES:
        cells = []
        for old, new in zip(before, after, strict=True):
            o, w = old["pages"][page], new["pages"][page]
            cells.append(f"{o['ms']:>6.1f}→{w['ms']:<6.1f}({w['ms'] / o['ms']:4.2f}×)")
        print(f"{page:12} " + " ".join(f"{c:>22}" for c in cells))


def write_plans(path: Path, results: list[dict]) -> None:
    lines = []
    for r in results:
        lines.append(f"## {r['vendor']}, N={r['n']:,}\n")
        for page in PAGES:
            lines.append(f"### {page}\n")
            for q in r["pages"][page].get("plans", []):
                lines.append("```sql\n" + q["sql"] + "\n```\n```\n" + "\n".join(q["plan"]))
                lines.append("```\n")
    path.write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.render", description=__doc__)
    parser.add_argument("--n", default="1000,10000,100000")
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--pg", default="", help="PostgreSQL URL (a _render database is made)")
    parser.add_argument("--plans", default="", help="write the query plans to this file")
    parser.add_argument("--export", action="store_true", help="render as the mirror export")
    parser.add_argument("--src", default="", help="a baseline checkout, rendered in the same run")
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--with-plans", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.child:
        print(json.dumps(child(args.child, args.words, args.repeat, args.with_plans, args.export)))
        return
    sizes = [int(x) for x in args.n.split(",")]
    backends = ["sqlite"] + (["postgresql"] if args.pg else [])
    every = []
    for backend in backends:
        results, baseline = [], []
        for n in sizes:
            for src, into in (
                ((args.src, baseline), ("", results)) if args.src else (("", results),)
            ):
                label = f" ({src})" if src else ""
                print(f"{backend}: N={n:,}{label} …", file=sys.stderr, flush=True)
                t0 = time.perf_counter()
                into.append(
                    run_one(n, args, backend, args.pg, str(Path(src).resolve()) if src else "")
                )
                print(f"  done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        if baseline:
            print_table(baseline)
        print_table(results)
        if baseline:
            print_comparison(baseline, results)
        every.append(results[-1])
    if args.plans:
        write_plans(Path(args.plans), every)
        print(f"\nquery plans written to {args.plans}")


if __name__ == "__main__":
    main()
