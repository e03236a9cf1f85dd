"""Static mirror export: full export, then incremental re-exports, on N generated statements.

Run: .venv/bin/python -m bench.mirror [--n 10000] [--keep DIR]

A throwaway SQLite data directory gets N published statements (ru/kk/en, grouped as
translations, 5 sections, 40 tags, ~150-word bodies). Timed, in one process:

- full export into a new directory (includes preparing the spare tree for the next run);
- incremental export with no change — the baseline: planning, fingerprints, manifest, swap;
- incremental export after changing one statement's title (target: under 2 s);
- incremental export after a comment is approved (only the statement's page changes);
- incremental export after publishing one new statement (every later listing page shifts);
- for reference, rendering the sitemap's largest file alone (the syndication app's view:
  /sitemap.xml, or /sitemap-1.xml once it is split), the most a change re-renders of it.

The code stamp (templates/code of the package) is still computed on every run, but the value of
the first run is reused, so that other people editing the tree during the run do not look
like a template change.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

WORDS = (
    "движение степь вода суд партия выборы протокол заявление совет право свобода труд "
    "шахтёры тариф бюджет решение наблюдатели комиссия газета журналист митинг город "
    "посёлок засуха земля арест адвокат обжалование голосование забастовка профсоюз"
).split()
KK_WORDS = "қозғалыс дала су сот партия сайлау хаттама мәлімдеме кеңес құқық еңбек".split()
EN_WORDS = "movement steppe water court party election protocol statement council".split()
LANGUAGES = ("ru", "kk", "en")


def setup(data_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "samizdat.settings"
    os.environ["SAMIZDAT_DATA_DIR"] = str(data_dir)
    os.environ["SAMIZDAT_KEY_DIR"] = str(data_dir / "keys")
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    os.environ["SAMIZDAT_CACHE_URL"] = "locmem://"
    os.environ.setdefault("SAMIZDAT_SECRET_KEY", "bench-mirror-" + "x" * 40)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(n: int) -> None:
    """N published statements via bulk_create (signals such as search indexing are skipped)."""
    from datetime import timedelta

    from django.utils import timezone
    from tqdm import tqdm

    from samizdat.publishing.markup import render_markdown
    from samizdat.publishing.models import Page, Section, Statement, Tag, TranslationGroup

    rng = random.Random(5)
    sections = [
        Section.objects.create(
            slug=f"section-{i}",
            names={"ru": f"Раздел {i}", "kk": f"Бөлім {i}", "en": f"Section {i}"},
        )
        for i in range(5)
    ]
    tags = [Tag.objects.create(name=f"метка {i}", slug=f"tag-{i}") for i in range(40)]
    groups = TranslationGroup.objects.bulk_create([TranslationGroup() for _ in range((n + 2) // 3)])
    vocab = {"ru": WORDS, "kk": KK_WORDS + WORDS[:10], "en": EN_WORDS + WORDS[:5]}
    now = timezone.now()
    batch, through = [], []
    for i in tqdm(range(n), desc="Seeding", unit="statement"):
        language = LANGUAGES[i % 3]
        words = vocab[language]
        body = "\n\n".join(
            " ".join(rng.choice(words) for _ in range(50)).capitalize() + "." for _ in range(3)
        )
        batch.append(
            Statement(
                title=" ".join(rng.choice(words) for _ in range(5)).capitalize(),
                slug=f"s-{i}",
                language=language,
                section=sections[(i // 3) % 5],
                issuer="Совет движения",
                summary=" ".join(rng.choice(words) for _ in range(12)),
                body=body,
                body_html=render_markdown(body),
                status=Statement.Status.PUBLISHED,
                published_at=now - timedelta(hours=n - i // 3),
                translation_group=groups[i // 3],
            )
        )
        if len(batch) == 1000 or i == n - 1:
            for statement in Statement.objects.bulk_create(batch):
                for tag in rng.sample(tags, 2):
                    through.append(Statement.tags.through(statement=statement, tag=tag))
            batch = []
    Statement.tags.through.objects.bulk_create(through, batch_size=2000)
    for language in LANGUAGES:
        Page.objects.create(title="About", slug="about", language=language, body="About us.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.mirror")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--keep", help="keep the data and mirror in this directory")
    parser.add_argument(
        "--workers", type=int, help="rendering processes (default: one per CPU, as the command)"
    )
    parser.add_argument(
        "--serial",
        action="store_true",
        help="also time a full export in one process (workers=1), the ratio's baseline",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        run(Path(args.keep), args.n, args.workers, args.serial)
    else:
        with tempfile.TemporaryDirectory(prefix="samizdat-bench-mirror-") as tmp:
            run(Path(tmp), args.n, args.workers, args.serial)


def run(tmp: Path, n: int, workers: int | None = None, serial: bool = False) -> None:
    (tmp / "data").mkdir(exist_ok=True)
    setup(tmp / "data")
    seed(n)
    from samizdat.mirror import export as export_module
    from samizdat.publishing.models import Statement
    from samizdat.publishing.tests.factories import make_statement

    real_stamp, first = export_module.code_stamp, []

    def stable_stamp() -> str:
        value = real_stamp()
        first.append(value)
        return first[0]

    export_module.code_stamp = stable_stamp
    target = tmp / "mirror"
    rows = []

    def timed(label: str, into: Path = target, **options) -> None:
        progress = sys.stderr.isatty()
        print(f"… {label}", file=sys.stderr, flush=True)
        options.setdefault("workers", workers)
        start = time.perf_counter()
        result = export_module.export_mirror(into, progress=progress, **options)
        rows.append((label, time.perf_counter() - start, result))

    from samizdat.mirror.render import default_workers

    count = workers or default_workers()
    if serial:
        timed("full export, 1 process (reference)", tmp / "mirror-serial", workers=1)
    timed(f"full export, {count} processes")
    timed("incremental, no change (baseline)")
    statement = Statement.objects.get(slug=f"s-{n // 2}")
    statement.title = statement.title + " (исправлено)"
    statement.save()
    timed("incremental, 1 statement changed")
    try:
        from samizdat.discussion.models import Comment
    except ImportError:
        Comment = None
    if Comment is not None:
        Comment.objects.create(
            statement=statement,
            language=statement.language,
            name="Читатель",
            text="Спасибо.",
            status=Comment.Status.APPROVED,
        )
        timed("incremental, 1 comment approved")
    make_statement("Новое заявление", slug="new-one", section=statement.section)
    timed("incremental, 1 statement published")
    sitemap = sitemap_seconds()

    files = sum(1 for p in target.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    reference = rows.pop(0) if serial else None
    baseline, full = rows[1][1], rows[0][1]
    print(f"\nMirror export, {n} statements: {files} files, {size / 1e6:.0f} MB\n")
    header = (
        f"{'run':36} {'seconds':>8} {'rendered':>9} {'written':>8} {'vs base':>8} {'vs full':>8}"
    )
    print(header)
    print("-" * len(header))
    for label, seconds, result in ([reference] if reference else []) + rows:
        print(
            f"{label:36} {seconds:8.2f} {result.rendered:9d} {result.written:8d} "
            f"{seconds / baseline:7.1f}x {seconds / full:7.3f}x"
        )
    if sitemap is not None:
        print(f"{f'({sitemap[0]} view alone, reference)':36} {sitemap[1]:8.2f}")
    changed, published = rows[2][1], rows[-1][1]

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    print(f"\nTarget: full export < 60 s — {verdict(full < 60)} ({full:.1f} s, {count} processes).")
    if reference:
        print(f"Full export, {count} processes vs 1: {reference[1] / full:.2f}x faster.")
    print(f"Target: incremental after one change < 2 s — {verdict(changed < 2)} ({changed:.2f} s).")
    print(
        f"Target: incremental after publishing one < 1 s — {verdict(published < 1)} "
        f"({published:.2f} s)."
    )


def sitemap_seconds() -> tuple[str, float] | None:
    """Render the sitemap's largest file once as the exporter does: /sitemap.xml, or its first
    part once it is an index (None when the site has no sitemap)."""
    from django.conf import settings

    from samizdat.mirror.export import Renderer, export_settings

    with export_settings(settings.SITE_URL):
        renderer = Renderer(settings.SITE_URL)
        for url in ("/sitemap-1.xml", "/sitemap.xml"):
            start = time.perf_counter()
            out = renderer.view(url)
            if out is not None:
                return url, time.perf_counter() - start
    return None


if __name__ == "__main__":
    main()
