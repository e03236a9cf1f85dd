"""Search latency: 10,000 generated statements, 20 queries, p50/p95 per backend.

Run: .venv/bin/python -m bench.search [--backend sqlite|postgres|both] [--n 10000]

Each backend runs in its own process on a throwaway database (a temp SQLite file; for
PostgreSQL the database ``samizdat_bench``, created and dropped). A query is timed as the
search page does it: parse, count, first page of 10 with statements and snippets. The
baseline, measured in the same run over the same rows, is a plain ``icontains`` (LIKE) scan
for every query word with the same count and first page. Target: SQLite p95 < 30 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import accumulate
from pathlib import Path

PG_URL = "postgres://127.0.0.1:5432/samizdat_bench"
RUNS = 5
PAGE = 10

# An invented vocabulary: roots with endings, so queries meet other forms of their words.
RU_FORMS = {
    "запрет": ["", "а", "у", "ом", "или", "ить", "ил"],
    "запрещени": ["е", "я", "ю", "ем"],
    "парти": ["я", "и", "ю", "ей", "ям"],
    "выбор": ["ы", "ов", "ах", "ам"],
    "наблюдател": ["ь", "и", "ей", "ям"],
    "суд": ["", "а", "у", "ом", "ы"],
    "решени": ["е", "я", "ю", "ем"],
    "власт": ["ь", "и", "ей", "ям"],
    "движени": ["е", "я", "ю", "ем"],
    "заявлени": ["е", "я", "ю", "ем"],
    "вод": ["а", "ы", "у", "ой"],
    "засух": ["а", "и", "у", "ой"],
    "посёлк": ["а", "ов", "ам", "ах"],
    "митинг": ["", "а", "и", "ов"],
    "газет": ["а", "ы", "у", "ой"],
    "журналист": ["", "а", "ы", "ов"],
    "арест": ["", "а", "ы", "овали", "ован"],
    "задержани": ["е", "я", "ю"],
    "голосовани": ["е", "я", "и"],
    "совет": ["", "а", "у", "ом"],
    "степ": ["ь", "и", "ью"],
    "труд": ["", "а", "у", "ом"],
    "работник": ["", "и", "ов", "ам"],
    "забастовк": ["а", "и", "у", "ой"],
    "прав": ["о", "а", "ам", "ами"],
    "свобод": ["а", "ы", "у", "ой"],
    "прокурор": ["", "а", "у", "ы"],
    "адвокат": ["", "а", "ы", "ов"],
    "обжаловани": ["е", "я", "ю"],
    "город": ["", "а", "у", "ом", "ов"],
}
RU_PLAIN = (
    "мы они вчера сегодня снова требуем продолжаем против всех местных наших новый "
    "районный областной министерство юстиции жители группы сайт открыт остаётся"
).split()
EN_WORDS = (
    "ban banned banning party parties election elections observer observers court courts "
    "decision decisions authorities movement statement water drought village villages rally "
    "rallies newspaper journalist journalists arrest arrested detention vote voting council "
    "steppe labour workers strike rights freedom prosecutor lawyer appeal city cities we "
    "they yesterday today again demand continue against local new district regional ministry "
    "justice residents groups site open remains"
).split()
KK_WORDS = (
    "партия партиясы партияның партияға тыйым салу салды сайлау сайлауы сайлауда бақылаушы "
    "бақылаушылар сот соты шешім шешімі билік қозғалыс мәлімдеме су құрғақшылық ауыл ауылдар "
    "митинг газет журналист қамау дауыс беру кеңес дала еңбек жұмысшылар ереуіл құқық "
    "бостандық прокурор адвокат шағым қала біз олар кеше бүгін тағы талап етеміз жалғастырамыз"
).split()
SYLLABLES = "ка ра та ла ма на са да ба жа ко ро то ло мо но ку ру ту ар ан ен ир ом ул".split()

QUERIES = [
    ("ru", "запрещение партии"),
    ("ru", "запретили партию"),
    ("ru", "выборы"),
    ("ru", "наблюдатели на выборах"),
    ("ru", "решение суда"),
    ("ru", "засуха вода посёлки"),
    ("ru", "арестовали журналиста"),
    ("ru", "свобода"),
    ("ru", "забастовка работников"),
    ("ru", "обжалование прокурор"),
    ("ru", "каракото"),
    ("ru", "городской совет голосование"),
    ("en", "banning parties"),
    ("en", "election observers"),
    ("en", "court decision appeal"),
    ("en", "drought"),
    ("en", "journalist arrested"),
    ("kk", "партия"),
    ("kk", "сайлау бақылаушы"),
    ("kk", "ереуіл"),
]


_CUM_WEIGHTS: dict[int, list[float]] = {}


def _zipf(rng: random.Random, words: list[str], n: int) -> list[str]:
    """Words with Zipf frequencies: the k-th word is k times rarer than the first."""
    if len(words) not in _CUM_WEIGHTS:
        _CUM_WEIGHTS[len(words)] = list(accumulate(1 / (rank + 1) for rank in range(len(words))))
    return rng.choices(words, cum_weights=_CUM_WEIGHTS[len(words)], k=n)


def _vocabulary(rng: random.Random) -> dict[str, list[str]]:
    ru = [root + end for root, ends in RU_FORMS.items() for end in ends] + RU_PLAIN
    names = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(3000)})
    vocab = {"ru": ru, "en": list(EN_WORDS), "kk": list(KK_WORDS)}
    for lang in vocab:
        words = vocab[lang] + names  # place and personal names: the long tail
        rng.shuffle(words)
        vocab[lang] = words
    return vocab


def _text(rng: random.Random, words: list[str], n_words: int) -> str:
    sentences, left = [], n_words
    while left > 0:
        k = min(left, rng.randint(6, 14))
        sentence = " ".join(_zipf(rng, words, k))
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
        left -= k
    return " ".join(sentences)


def _setup_django(database_url: str, data_dir: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "samizdat.settings"
    os.environ["SAMIZDAT_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed(n: int) -> float:
    """Create ``n`` statements (bulk, no signals), then time a full reindex with progress."""
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone
    from tqdm import tqdm

    from samizdat.publishing.models import Section, Statement
    from samizdat.search.indexing import rebuild_index

    rng = random.Random(42)
    vocab = _vocabulary(rng)
    sections = [
        Section.objects.create(slug=slug, names={"ru": slug, "kk": slug, "en": slug})
        for slug in ("statements", "analysis", "news")
    ]
    now = timezone.now()
    rows = []
    for i in tqdm(range(n), desc="generate", unit=" statements", file=sys.stderr):
        lang = rng.choices(["ru", "en", "kk"], weights=[60, 25, 15])[0]
        status = rng.choices(["published", "draft", "scheduled"], weights=[90, 5, 5])[0]
        when = now + timedelta(days=3) if status == "scheduled" else now - timedelta(hours=i)
        paragraphs = [_text(rng, vocab[lang], rng.randint(30, 70)) for _ in range(3)]
        rows.append(
            Statement(
                title=_text(rng, vocab[lang], rng.randint(4, 9)).rstrip("."),
                slug=f"s-{i}",
                language=lang,
                section=rng.choice(sections),
                summary=_text(rng, vocab[lang], rng.randint(10, 20)),
                body="\n\n".join(paragraphs),
                body_html="".join(f"<p>{p}</p>" for p in paragraphs),
                status=status,
                published_at=when,
            )
        )
    Statement.objects.bulk_create(rows, batch_size=1000)
    start = time.perf_counter()
    rebuild_index(progress=True, file=sys.stderr)
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:  # as autovacuum would after a bulk load
        cursor.execute("ANALYZE")
    return seconds


def _run_fts(lang: str, text: str) -> int:
    from samizdat.publishing.models import Statement
    from samizdat.search.analysis import parse_query
    from samizdat.search.backends import get_backend

    query = parse_query(text, (lang,))
    results = get_backend().search(query, Statement.objects.published().filter(language=lang))
    count = results.count()
    hits = results[0:PAGE]
    assert all(hit.snippet is not None for hit in hits)
    return count


def _run_baseline(lang: str, text: str) -> int:
    from django.db.models import Q

    from samizdat.publishing.models import Statement

    qs = Statement.objects.published().filter(language=lang)
    for word in text.split():
        qs = qs.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    count = qs.count()
    list(qs.select_related("section").order_by("-published_at")[:PAGE])
    return count


def _measure(fn) -> tuple[list[float], list[int]]:
    for lang, text in QUERIES:  # warm-up, not counted
        fn(lang, text)
    samples, counts = [], []
    for _ in range(RUNS):
        for lang, text in QUERIES:
            start = time.perf_counter()
            counts.append(fn(lang, text))
            samples.append((time.perf_counter() - start) * 1000)
    return samples, counts[: len(QUERIES)]


def _pct(samples: list[float], p: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(p) - 1]


def child(backend: str, n: int, pg_url: str) -> dict:
    """Seed and measure one backend in this process; return the figures."""
    with tempfile.TemporaryDirectory(prefix="samizdat-bench-search-") as tmp:
        if backend == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        else:
            _create_pg(pg_url)
            url = pg_url
        try:
            _setup_django(url, tmp)
            index_seconds = _seed(n)
            fts, fts_counts = _measure(_run_fts)
            base, base_counts = _measure(_run_baseline)
        finally:
            if backend == "postgres":
                from django.db import connections

                connections.close_all()
                _drop_pg(pg_url)
    return {
        "backend": backend,
        "n": n,
        "index_seconds": index_seconds,
        "fts": fts,
        "baseline": base,
        "fts_counts": fts_counts,
        "baseline_counts": base_counts,
    }


def _maintenance(pg_url: str):
    import psycopg

    server = pg_url.rsplit("/", 1)[0] + "/postgres"
    return psycopg.connect(server, autocommit=True, connect_timeout=3)


def _create_pg(pg_url: str) -> None:
    name = pg_url.rsplit("/", 1)[1]
    with _maintenance(pg_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_pg(pg_url: str) -> None:
    name = pg_url.rsplit("/", 1)[1]
    with _maintenance(pg_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _pg_reachable(pg_url: str) -> bool:
    try:
        _maintenance(pg_url).close()
        return True
    except Exception:
        return False


def _print_table(results: list[dict]) -> None:
    print(f"\n{len(QUERIES)} queries x {RUNS} runs each (after one warm-up run), page of {PAGE}")
    head = f"{'backend':<10}{'method':<28}{'N':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    print(head + f"{'baseline/FTS p95':>18}")
    for r in results:
        fts_p95 = _pct(r["fts"], 95)
        for label, samples in (
            ("full-text (" + r["backend"] + ")", r["fts"]),
            (
                "icontains scan (baseline)",
                r["baseline"],
            ),
        ):
            p95 = _pct(samples, 95)
            print(
                f"{r['backend']:<10}{label:<28}{r['n']:>7}{_pct(samples, 50):>9.1f}"
                f"{p95:>9.1f}{max(samples):>9.1f}{p95 / fts_p95:>18.1f}"
            )
    for r in results:
        rate = r["n"] / r["index_seconds"]
        print(f"{r['backend']}: reindex {r['index_seconds']:.1f} s ({rate:,.0f} statements/s)")
        pairs = ", ".join(
            f"{q}={c}/{b}"
            for (_, q), c, b in zip(QUERIES, r["fts_counts"], r["baseline_counts"], strict=True)
        )
        print(f"{r['backend']}: matches full-text/icontains per query: {pairs}")
    if len(results) == 2:
        same = results[0]["fts_counts"] == results[1]["fts_counts"]
        print(f"same number of statements found by both backends for every query: {same}")
    sqlite = [r for r in results if r["backend"] == "sqlite"]
    if sqlite:
        p95 = _pct(sqlite[0]["fts"], 95)
        verdict = "met" if p95 < 30 else "NOT met"
        print(f"target SQLite p95 < 30 ms with {sqlite[0]['n']} statements: {verdict} ({p95:.1f})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--pg-url", default=PG_URL, help="throwaway database (dropped after)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args([] if argv is None else argv)

    if args.child:
        print(json.dumps(child(args.backend, args.n, args.pg_url)))
        return
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = []
    for backend in backends:
        if backend == "postgres" and not _pg_reachable(args.pg_url):
            print(f"PostgreSQL skipped: no server reachable for {args.pg_url}")
            continue
        print(f"== {backend}: seeding {args.n} statements", file=sys.stderr)
        out = subprocess.run(
            [sys.executable, "-m", "bench.search", "--child", "--backend", backend,
             "--n", str(args.n), "--pg-url", args.pg_url],
            stdout=subprocess.PIPE, text=True, check=True,
            cwd=Path(__file__).resolve().parent.parent,
        )  # fmt: skip
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    _print_table(results)


if __name__ == "__main__":
    main(sys.argv[1:])
