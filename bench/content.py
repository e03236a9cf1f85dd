"""Generated content for the render and HTTP benchmarks, fast (bulk_create, not the lifecycle).

Run in a configured Django process: ``seed(n, words=840, comments=20)`` makes N published
Russian statements of about ``words`` words each in one section ("statements") with two of 8
tags each, one Page, and ``comments`` approved comments on the newest statement; the search
index is filled through the search backend (``index=True``). Returns the paths the benchmarks
fetch. Every word is invented here (a made-up vocabulary of a made-up movement).

As a command (used by bench.http / bench.render in a child process with the data dir set):
    python -m bench.content --n 1000 --words 840 --comments 20
prints one JSON line of the paths.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import timedelta
from html import escape

WORDS = (
    "движение степь вода суд партия выборы протокол заявление совет право свобода труд "
    "шахтёры тариф бюджет решение наблюдатели комиссия газета журналист митинг город "
    "посёлок засуха земля арест адвокат обжалование голосование забастовка профсоюз "
    "область район депутат министерство жалоба участок бюллетень урна подсчёт итоги "
    "пресса редакция тираж листовка собрание площадь полиция задержание штраф приговор "
    "апелляция кассация конституция закон поправка референдум кандидат список регистрация "
    "отказ подпись сбор волонтёр дежурство отчёт нарушение видеозапись камера свидетель "
    "пастбище колодец канал арык урожай зерно элеватор кредит долг пенсия зарплата"
).split()
SEARCH_WORD = "водохранилище"  # in about one statement of ten (a search with a few pages)
TAGS = ["выборы", "вода", "труд", "пресса", "суд", "земля", "пенсии", "митинги"]


def _paragraphs(rng: random.Random, words: int) -> list[str]:
    out, left = [], words
    while left > 0:
        n = min(left, rng.randint(50, 90))
        text = " ".join(rng.choice(WORDS) for _ in range(n))
        if rng.random() < 0.1:
            text += " " + SEARCH_WORD
        out.append(text.capitalize() + ".")
        left -= n
    return out


def seed(n: int, words: int = 840, comments: int = 20, index: bool = True, progress=None) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from samizdat.discussion.models import Comment
    from samizdat.publishing.models import Page, Section, Statement, Tag

    rng = random.Random(12)
    section = Section.objects.create(
        slug="statements", names={"ru": "Заявления", "kk": "Мәлімдемелер", "en": "Statements"}
    )
    tags = [Tag.objects.create(name=name, slug=f"tag-{i}") for i, name in enumerate(TAGS)]
    now = timezone.now()
    # A few distinct bodies reused across rows: generating and rendering 100,000 different
    # bodies would dominate the run without changing what a listing or a page costs.
    bodies = []
    for _ in range(min(n, 50)):
        paragraphs = _paragraphs(rng, words)
        html = "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs)
        bodies.append(("\n\n".join(paragraphs), html))
    batch_size = 500
    with transaction.atomic():
        for start in range(0, n, batch_size):
            rows = []
            for i in range(start, min(n, start + batch_size)):
                body, html = bodies[i % len(bodies)]
                rows.append(
                    Statement(
                        title=" ".join(rng.choice(WORDS) for _ in range(6)).capitalize(),
                        slug=f"zayavlenie-{i}",
                        language="ru",
                        section=section,
                        issuer="Совет движения",
                        summary=" ".join(rng.choice(WORDS) for _ in range(20)).capitalize(),
                        body=body,
                        body_html=html,
                        status=Statement.Status.PUBLISHED,
                        published_at=now - timedelta(minutes=n - i),
                        announced_at=now,
                    )
                )
            created = Statement.objects.bulk_create(rows)
            Statement.tags.through.objects.bulk_create(
                [
                    Statement.tags.through(statement_id=s.pk, tag_id=t.pk)
                    for s in created
                    for t in rng.sample(tags, 2)
                ]
            )
            if progress:
                progress(min(n, start + batch_size))
        Page.objects.create(title="О нас", slug="about", language="ru", body="Кто мы.")
        newest = Statement.objects.order_by("-published_at").first()
        Comment.objects.bulk_create(
            [
                Comment(
                    statement=newest,
                    depth=0,
                    language="ru",
                    name=f"Читатель {i}",
                    text=" ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + ".",
                    status=Comment.Status.APPROVED,
                    created_at=now - timedelta(seconds=comments - i),
                )
                for i in range(comments)
            ]
        )
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does on a live site soon after a bulk load: without statistics the
        # planner takes the table for empty and sorts instead of walking the listing index.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if index:
        from samizdat.search.indexing import rebuild_index

        rebuild_index()
    tag = tags[0]
    return {
        "statement": newest.get_absolute_url(),
        "home": "/ru/",
        "section": f"/ru/{section.slug}/",
        "tag": f"/ru/tags/{tag.slug}/",
        "rss": "/ru/feeds/rss.xml",
        "atom": "/ru/feeds/atom.xml",
        "sitemap": "/sitemap.xml",
        "search": f"/ru/search/?q={SEARCH_WORD}",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.content")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--words", type=int, default=840)
    parser.add_argument("--comments", type=int, default=20)
    parser.add_argument("--no-index", action="store_true")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    def progress(done: int) -> None:
        print(f"\r  seeding {done}/{args.n}", end="", file=sys.stderr, flush=True)

    paths = seed(args.n, args.words, args.comments, index=not args.no_index, progress=progress)
    print(file=sys.stderr)
    print(json.dumps(paths))


if __name__ == "__main__":
    main()
