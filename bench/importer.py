"""WordPress import: a generated 10,000-post, 50,000-comment WXR, time and peak memory.

Run: .venv/bin/python -m bench.importer [--posts 10000] [--comments-per-post 5]

Each phase runs in its own process (wall time depends on the machine's load; CPU time
less so) on a throwaway SQLite data directory, so its peak
resident memory (``ru_maxrss``) is its own. The baseline, measured in the same run on the same
file, is the bare streaming parse (lxml ``iterparse``, elements cleared). A quarter-size file
is imported too: if memory were not bounded, its peak would be far below the full file's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench Steppe Union</title><link>https://bench.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://bench.example</wp:base_site_url>
<wp:base_blog_url>https://bench.example</wp:base_blog_url>
<wp:author><wp:author_login>ed</wp:author_login><wp:author_display_name>Bench Editor</wp:author_display_name></wp:author>
"""  # noqa: E501
WORDS = (
    "совет союз кооператив степь зерно цена закупка элеватор фермер топливо посевная уборка "
    "дорога аул район заявление требование съезд решение голосование собрание мәлімдеме "
    "кеңес мұғалім мектеп жалақы талап council union harvest price statement meeting"
).split()


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def generate(path: Path, posts: int, comments_per_post: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD)
        for c in range(20):
            out.write(
                f"<wp:category><wp:term_id>{c + 1}</wp:term_id><wp:category_nicename>cat-{c}"
                f"</wp:category_nicename><wp:category_parent></wp:category_parent>"
                f"<wp:cat_name>Рубрика {c}</wp:cat_name></wp:category>\n"
            )
        comment_id = 0
        for p in range(1, posts + 1):
            paras = "\n\n".join(_text(rng, rng.randint(30, 80)) for _ in range(rng.randint(3, 8)))
            body = (
                f"<!-- wp:paragraph --><p><strong>{_text(rng, 3)}</strong> {_text(rng, 20)}</p>"
                f"<!-- /wp:paragraph -->\n{paras}\n<ul><li>{_text(rng, 5)}</li>"
                f"<li>{_text(rng, 5)}</li></ul>\n[embed]https://video.example/v/{p}[/embed]"
            )
            out.write(
                f"<item><title>{_text(rng, 6)} №{p}</title>"
                f"<link>https://bench.example/{2020 + p % 5}/{1 + p % 12:02d}/post-{p}/</link>"
                f"<dc:creator>ed</dc:creator><guid isPermaLink=\"false\">https://bench.example/?p={p}</guid>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                f"<excerpt:encoded><![CDATA[{_text(rng, 12)}]]></excerpt:encoded>"
                f"<wp:post_id>{p}</wp:post_id>"
                f"<wp:post_date>2024-01-01 10:00:00</wp:post_date>"
                f"<wp:post_date_gmt>2024-{1 + p % 12:02d}-{1 + p % 28:02d} 05:{p % 60:02d}:00"
                f"</wp:post_date_gmt><wp:post_name>post-{p}</wp:post_name>"
                f"<wp:status>{'publish' if p % 10 else 'draft'}</wp:status>"
                f"<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="cat-{p % 20}">Рубрика {p % 20}</category>'
                f'<category domain="post_tag" nicename="tag-{p % 100}">метка {p % 100}</category>'
            )  # fmt: skip
            first = comment_id + 1
            for k in range(comments_per_post):
                comment_id += 1
                parent = first + rng.randrange(k) if k and rng.random() < 0.6 else 0
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>Читатель {comment_id % 500}</wp:comment_author>"
                    f"<wp:comment_author_email>r{comment_id % 500}@mail.example"
                    "</wp:comment_author_email>"
                    f"<wp:comment_author_IP>192.0.2.{comment_id % 250}</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>2024-02-01 10:{comment_id % 60:02d}:00"
                    "</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[{_text(rng, rng.randint(8, 40))}]]>"
                    "</wp:comment_content>"
                    f"<wp:comment_approved>{'1' if comment_id % 7 else '0'}</wp:comment_approved>"
                    f"<wp:comment_type>comment</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
                )  # fmt: skip
            out.write("</item>\n")
        out.write("</channel></rss>\n")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(phase: str, path: str, data_dir: str) -> dict:
    if phase == "parse":
        from lxml import etree

        start, cpu, n = time.perf_counter(), _cpu(), 0
        for _event, el in etree.iterparse(path, events=("end",), huge_tree=True):
            n += 1
            if el.tag == "item":
                el.clear(keep_tail=False)
                while el.getprevious() is not None:
                    del el.getparent()[0]
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        return {"phase": phase, "seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb()}
    os.environ.update(
        DJANGO_SETTINGS_MODULE="samizdat.settings",
        SAMIZDAT_DATA_DIR=data_dir,
        DATABASE_URL=f"sqlite:///{data_dir}/bench.sqlite3",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from samizdat.importers.wordpress import Importer, Options

    if phase != "re-run":
        call_command("migrate", verbosity=0)
    start, cpu = time.perf_counter(), _cpu()
    report = Importer(path, Options(progress=False)).run()
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    counts = {f"{k}.{a}": n for (k, a), n in report.counts.items() if n}
    return {"phase": phase, "seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb(), "counts": counts}


def _run(phase: str, path: Path, data_dir: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.importer", "--child", phase, str(path), str(data_dir)],
        stdout=subprocess.PIPE, text=True, check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.importer", description=__doc__)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments-per-post", type=int, default=5)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    with tempfile.TemporaryDirectory(prefix="samizdat-bench-import-") as tmp:
        tmp = Path(tmp)
        full, quarter = tmp / "full.xml", tmp / "quarter.xml"
        generate(full, args.posts, args.comments_per_post)
        generate(quarter, args.posts // 4, args.comments_per_post)
        size_mb = full.stat().st_size / 1e6
        print(
            f"generated {args.posts} posts, {args.posts * args.comments_per_post} comments: "
            f"{size_mb:.1f} MB",
            file=sys.stderr,
        )
        rows = [("bare parse (baseline)", _run("parse", full, tmp / "p"))]
        for label, phase, path, data in (
            ("import, ¼ size", "import", quarter, tmp / "q"),
            ("import", "import", full, tmp / "f"),
            ("re-run (nothing changed)", "re-run", full, tmp / "f"),
        ):
            data.mkdir(exist_ok=True)
            print(f"== {label}", file=sys.stderr)
            rows.append((label, _run(phase, path, data)))
    base = rows[0][1]
    print(f"\nWXR file: {size_mb:.1f} MB, {args.posts} posts, "
          f"{args.posts * args.comments_per_post} comments\n")  # fmt: skip
    print("| phase | wall (s) | CPU (s) | CPU × parse | peak RSS (MB) | RSS × parse |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, r in rows:
        print(
            f"| {label} | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['cpu'] / base['cpu']:.0f} "
            f"| {r['peak_mb']:.0f} | {r['peak_mb'] / base['peak_mb']:.1f} |"
        )
    full_import = rows[2][1]
    print("\nimport counts:", json.dumps(full_import.get("counts", {}), ensure_ascii=False))
    print("re-run counts:", json.dumps(rows[3][1].get("counts", {}), ensure_ascii=False))


if __name__ == "__main__":
    main()
