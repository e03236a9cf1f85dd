"""Comment posting under load: parallel commenters doing GET form → solve → POST, real HTTP.

Run: .venv/bin/python -m bench.comments [--clients 16] [--seconds 10] [--workers 2]
     [--no-postgres]

Sets up a throwaway data directory with the demo content on SQLite (and, when
``SAMIZDAT_BENCH_DATABASE_URL`` or ``DATABASE_URL`` names a reachable PostgreSQL database,
the same on it), starts ``samizdat serve`` with the anti-spam timing and rate limits relaxed
by settings (``SAMIZDAT_COMMENT_MIN_SECONDS=0``, large ``SAMIZDAT_COMMENT_RATE_*``), and runs:

* baseline: the same clients doing bare GETs of the statement page;
* cycles, comments held (the default: a first comment waits for moderation): every client
  GETs the page, reads the challenge from it, solves it, POSTs and expects the 302;
* cycles, comments shown at once (``SAMIZDAT_COMMENT_MODERATE_FIRST=0``): every accepted
  comment changes the page, so the discussion fragment is re-rendered after each one;
* POSTs alone: forms fetched beforehand, then posted as fast as possible.

Prints cycles/s, POSTs/s, errors and checks that every accepted comment is in the database.
:func:`run` is the entry point bench.http calls against a server it started itself.
"""

from __future__ import annotations

import argparse
import html
import http.client
import os
import re
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

STATEMENT = "/ru/statements/o-zaprete-partii/"
RELAXED = {
    "SAMIZDAT_COMMENT_MIN_SECONDS": "0",
    "SAMIZDAT_COMMENT_RATE_CLIENT": "100000000/60",
    "SAMIZDAT_COMMENT_RATE_ATTEMPTS": "100000000/60",
    "SAMIZDAT_COMMENT_RATE_STATEMENT": "100000000/60",
}
MAX_REQUESTS_PER_CLIENT = 20000  # the loops end by time, and by this count at the latest

_TOKEN = re.compile(r'name="token" value="([^"]+)"')
_EQUATION = re.compile(r'<span class="equation">(.*?)</span>', re.S)
_INPUT = re.compile(r"<input[^>]*>")
_ACTION = re.compile(r'<form id="comment-form"[^>]*action="([^"#]+)')


# --- the commenter --------------------------------------------------------------------------


def _words(language: str) -> dict[str, int]:
    from num2words import num2words

    return {num2words(n, lang=language): n for n in range(0, 101)}


def solve(equation: str, words: dict[str, int]) -> int:
    """``"[ ] × 9 = двадцать семь"`` → 3."""
    left_right, result_words = equation.rsplit("=", 1)
    result = words[" ".join(result_words.split())]
    m = re.match(r"^\s*(\[ \]|\d+)\s*([+\u2212\u00d7])\s*(\[ \]|\d+)\s*$", left_right)
    if not m:
        raise ValueError(f"cannot read {equation!r}")
    left, op, right = m.groups()
    known = int(right if left == "[ ]" else left)
    if op == "+":
        return result - known
    if op == "\u00d7":
        return result // known
    return result + known if left == "[ ]" else known - result


def read_form(page: str, words: dict[str, int]) -> tuple[str, str, int]:
    """(action, token, answer) from the statement page's comment form."""
    action = _ACTION.search(page).group(1)
    token = html.unescape(_TOKEN.search(page).group(1))
    shown = _INPUT.sub("[ ]", _EQUATION.search(page).group(1))
    return html.unescape(action), token, solve(" ".join(html.unescape(shown).split()), words)


class Client:
    """One commenter on one kept-alive connection (reopened when the server closes it)."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def request(self, method: str, path: str, body: bytes | None = None):
        headers = {"Accept-Language": "ru"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                return response.status, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()  # a kept-alive connection the server had closed: once more
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def _post_body(token: str, answer: int, text: str) -> bytes:
    fields = {"name": "Нагрузка", "email": "", "text": text, "token": token}
    fields.update(answer=str(answer), website="", parent="")
    return urlencode(fields).encode()


def _loop(base_url, path, seconds, worker, results, lock):
    client = Client(base_url)
    count = errors = 0
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and count < MAX_REQUESTS_PER_CLIENT:
            try:
                ok = worker(client)
            except Exception:  # a refused connection, a page without a form …
                ok = False
            count += 1
            errors += 0 if ok else 1
    finally:
        client.close()
        with lock:
            results.append((count, errors))


def _parallel(base_url, path, clients, seconds, make_worker) -> tuple[int, int, float]:
    results: list = []
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=_loop, args=(base_url, path, seconds, make_worker(i), results, lock)
        )
        for i in range(clients)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    elapsed = time.perf_counter() - started
    return sum(r[0] for r in results), sum(r[1] for r in results), elapsed


def baseline(base_url: str, path: str, clients: int = 16, seconds: float = 10) -> dict:
    """Bare GETs of the same page by the same clients."""

    def make(_i):
        return lambda client: client.request("GET", path)[0] == 200

    count, errors, elapsed = _parallel(base_url, path, clients, seconds, make)
    return {"gets_per_s": count / elapsed, "errors": errors, "requests": count}


def run(
    base_url: str,
    statement_path: str,
    clients: int = 16,
    seconds: float = 10,
    *,
    stored=None,
    language: str = "ru",
) -> dict:
    """16 commenters doing GET → solve → POST for ``seconds``; figures as a dict.

    ``stored``: a callable taking the run's marker text and returning how many comments with
    it are in the database (``None``: ``stored`` is reported as None, not checked).
    """
    words = _words(language)
    marker = f"bench-{uuid.uuid4().hex[:10]}"
    accepted = [0]
    posts = [0]
    lock = threading.Lock()

    def make(i):
        n = [0]

        def cycle(client: Client) -> bool:
            status, page = client.request("GET", statement_path)
            if status != 200:
                return False
            action, token, answer = read_form(page.decode(), words)
            n[0] += 1
            body = _post_body(token, answer, f"{marker} {i} {n[0]} — комментарий под нагрузкой")
            status, _ = client.request("POST", action, body)
            with lock:
                posts[0] += 1
                accepted[0] += status == 302
            return status == 302

        return cycle

    cycles, errors, elapsed = _parallel(base_url, statement_path, clients, seconds, make)
    found = stored(marker) if stored is not None else None
    return {
        "cycles_per_s": cycles / elapsed,
        "posts_per_s": posts[0] / elapsed,
        "errors": errors,
        "accepted": accepted[0],
        "stored": found,
        "cycles": cycles,
        "seconds": elapsed,
    }


def posts_only(
    base_url: str,
    statement_path: str,
    clients: int = 16,
    forms: int = 150,
    *,
    stored=None,
    language: str = "ru",
) -> dict:
    """Fetch ``forms`` forms per client first, then POST them all as fast as possible."""
    words = _words(language)
    marker = f"bench-{uuid.uuid4().hex[:10]}"
    prepared: list[list[tuple[str, bytes]]] = []
    client = Client(base_url)
    try:
        for i in range(clients):
            batch = []
            for n in range(forms):
                status, page = client.request("GET", statement_path)
                action, token, answer = read_form(page.decode(), words)
                batch.append((action, _post_body(token, answer, f"{marker} {i} {n} — быстро")))
            prepared.append(batch)
    finally:
        client.close()
    accepted = [0]
    lock = threading.Lock()

    def make(i):
        queue = list(prepared[i])

        def post(client: Client) -> bool:
            if not queue:
                return True
            action, body = queue.pop()
            ok = client.request("POST", action, body)[0] == 302
            with lock:
                accepted[0] += ok
            return ok

        return post

    results: list = []
    rlock = threading.Lock()

    def loop(i):
        c, worker, count, errors = Client(base_url), make(i), 0, 0
        try:
            for _ in range(forms):
                try:
                    ok = worker(c)
                except Exception:
                    ok = False
                count += 1
                errors += 0 if ok else 1
        finally:
            c.close()
            with rlock:
                results.append((count, errors))

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    elapsed = time.perf_counter() - started
    count = sum(r[0] for r in results)
    return {
        "posts_per_s": count / elapsed,
        "errors": sum(r[1] for r in results),
        "accepted": accepted[0],
        "stored": stored(marker) if stored is not None else None,
    }


# --- the stand-alone benchmark --------------------------------------------------------------


def sqlite_counter(data_dir: Path, name: str = "samizdat.sqlite3"):
    def count(marker: str) -> int:
        with sqlite3.connect(data_dir / name, timeout=30) as db:
            sql = "SELECT COUNT(*) FROM discussion_comment WHERE text LIKE ?"
            return db.execute(sql, (marker + " %",)).fetchone()[0]

    return count


def postgres_counter(url: str):
    import psycopg

    def count(marker: str) -> int:
        with psycopg.connect(url) as db:
            sql = "SELECT COUNT(*) FROM discussion_comment WHERE text LIKE %s"
            return db.execute(sql, (marker + " %",)).fetchone()[0]

    return count


def postgres_url() -> str | None:
    url = os.environ.get("SAMIZDAT_BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception:
        return None
    return url


def _row(name: str, figures: dict, base: float) -> str:
    rate = figures.get("cycles_per_s", figures.get("posts_per_s", figures.get("gets_per_s")))
    posts = figures.get("posts_per_s")
    lost = ""
    if figures.get("stored") is not None:
        lost = (
            "0 lost"
            if figures["stored"] == figures["accepted"]
            else (f"LOST {figures['accepted'] - figures['stored']}")
        )
    return (
        f"  {name:34} {rate:>9.1f}/s  POSTs {posts if posts is not None else 0:>7.1f}/s  "
        f"errors {figures['errors']:>4}  accepted {figures.get('accepted', '-')!s:>6}  "
        f"stored {figures.get('stored', '-')!s:>6}  {lost:8} {100 * rate / base:>5.0f}% of GET"
    )


def bench_database(label, data_dir, args, extra_env, stored) -> list[dict]:
    from samizdat.core.tests.server import Server

    out = []
    scenarios = [
        ("comments held (default)", {}),
        ("comments shown at once", {"SAMIZDAT_COMMENT_MODERATE_FIRST": "0"}),
    ]
    for name, env in scenarios:
        server = Server(data_dir, workers=args.workers, **RELAXED, **extra_env, **env)
        try:
            for _ in range(10):  # warm up every worker
                server.request("GET", STATEMENT)
            print(f"{label}, {name}: baseline …", file=sys.stderr)
            base = baseline(server.url, STATEMENT, args.clients, args.seconds)
            print(f"{label}, {name}: cycles …", file=sys.stderr)
            cyc = run(server.url, STATEMENT, args.clients, args.seconds, stored=stored)
            print(f"{label}, {name}: POSTs alone …", file=sys.stderr)
            only = posts_only(server.url, STATEMENT, args.clients, args.forms, stored=stored)
        finally:
            server.stop()
        print(f"{label}, {name}:")
        print(_row("bare GET of the page (baseline)", base, base["gets_per_s"]))
        print(_row("GET form → solve → POST cycles", cyc, base["gets_per_s"]))
        print(_row("POSTs alone (forms fetched before)", only, base["gets_per_s"]))
        out.append({"db": label, "scenario": name, "baseline": base, "cycles": cyc, "posts": only})
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--forms", type=int, default=100, help="per client, POSTs alone")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args([] if argv is None else argv)
    from samizdat.core.tests.server import cli

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-comments-") as tmp:
        print("setting up the demo site (SQLite) …", file=sys.stderr)
        data_dir = Path(tmp) / "sqlite"
        cli(data_dir, "demo", "--no-serve")
        results += bench_database("SQLite", data_dir, args, {}, sqlite_counter(data_dir))
        url = None if args.no_postgres else postgres_url()
        if url:
            print("setting up the demo site (PostgreSQL) …", file=sys.stderr)
            pg_dir = Path(tmp) / "pg"
            cli(pg_dir, "demo", "--no-serve", DATABASE_URL=url)
            results += bench_database(
                "PostgreSQL", pg_dir, args, {"DATABASE_URL": url}, postgres_counter(url)
            )
        else:
            print("(PostgreSQL: not reachable or not configured, skipped)")
    print(
        f"({args.clients} clients, {args.seconds:g} s per loop, samizdat serve --workers "
        f"{args.workers}, demo content; client and server share this machine's cores)"
    )
    bad = [
        r
        for r in results
        for k in ("cycles", "posts")
        if r[k]["errors"] or r[k]["stored"] != r[k]["accepted"]
    ]
    if bad:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
