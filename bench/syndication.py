"""Feeds, sitemap and page heads against stock Django on the same rows.

Run: .venv/bin/python -m bench.syndication [--n 10000] [--runs 5]

Seeds ``n`` published statements (a third of them in ru/kk/en translation groups, tags on
each) into a throwaway SQLite database, then times, median of ``runs`` after a warm-up:
- ``/sitemap.xml`` (listings, statements, hreflang alternates) against Django's own sitemap
  view with a ``GenericSitemap`` over the same published statements (no alternates);
- the Atom, RSS and JSON feeds (30 full-text items) against a minimal stock ``Feed`` of the
  same 30 statements (title, link, body_html);
- a statement page with its head (canonical, hreflang, OG, JSON-LD) against the same page
  with the head template emptied.
Queries per request are printed beside the times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _setup(data_dir: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "samizdat.settings"
    os.environ["SAMIZDAT_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}"
    os.environ["SAMIZDAT_CACHE_URL"] = "locmem://"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed(n: int) -> str:
    """``n`` published statements; returns the URL of one with two translations."""
    from datetime import timedelta

    from django.utils import timezone
    from tqdm import tqdm

    from samizdat.publishing.models import Section, Statement, Tag, TranslationGroup

    sections = [
        Section.objects.create(slug=s, names={"ru": s, "kk": s, "en": s})
        for s in ("statements", "analysis", "news")
    ]
    tags = [Tag.objects.create(name=f"tag {i}", slug=f"tag-{i}") for i in range(40)]
    groups = TranslationGroup.objects.bulk_create([TranslationGroup() for _ in range(n // 9 + 1)])
    now = timezone.now()
    rows = []
    for i in tqdm(range(n), desc="generate", unit=" statements", file=sys.stderr):
        in_group = i < (n // 9) * 3
        language = ("ru", "kk", "en")[i % 3] if in_group else "ru"
        body = " ".join(f"Слово{j} текста заявления номер {i}." for j in range(60))
        rows.append(
            Statement(
                title=f"Заявление {i}",
                slug=f"s-{i}",
                language=language,
                section=sections[i % 3],
                issuer="Политический совет движения «Ашық Дала»",
                summary=f"Краткое содержание {i}",
                body=body,
                body_html=f"<p>{body}</p>",
                status="published",
                published_at=now - timedelta(minutes=i),
                translation_group=groups[i // 3] if in_group else None,
            )
        )
    Statement.objects.bulk_create(rows, batch_size=1000)
    through = Statement.tags.through
    ids = list(Statement.objects.values_list("pk", flat=True))
    links = [
        through(statement_id=pk, tag_id=tags[(pk + k) % len(tags)].pk)
        for pk in ids
        for k in range(2)
    ]
    through.objects.bulk_create(links, batch_size=2000)
    return Statement.objects.get(slug="s-0").get_absolute_url()


def _stock_urls():
    """Stock Django views over the same data: the baselines."""
    from django.contrib.sitemaps import GenericSitemap
    from django.contrib.sitemaps import views as sitemap_views
    from django.contrib.syndication.views import Feed
    from django.urls import path

    from samizdat.publishing.models import Statement

    class StockFeed(Feed):
        title = "stock"
        link = "/ru/"
        description = "stock"

        def items(self):
            return Statement.objects.published().in_language("ru").for_listing()[:30]

        def item_title(self, item):
            return item.title

        def item_description(self, item):
            return item.body_html

    info = {
        "queryset": Statement.objects.published().select_related("section").order_by("pk"),
        "date_field": "updated_at",
    }
    maps = {"statements": GenericSitemap(info)}
    return [
        path("stock/sitemap.xml", sitemap_views.sitemap, {"sitemaps": maps}),
        path("stock/feed.xml", StockFeed()),
    ]


def _time(client, url: str, runs: int) -> tuple[float, int, int]:
    """Median milliseconds, queries and bytes of GET ``url``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up (and the navigation cache)
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), len(ctx.captured_queries), len(response.content)


def run(n: int, runs: int) -> list[tuple]:
    with tempfile.TemporaryDirectory(prefix="samizdat-bench-syndication-") as tmp:
        _setup(tmp)
        statement_url = _seed(n)
        from django.test import Client, override_settings

        import samizdat.urls

        client = Client()
        stock = _stock_urls()

        class Urls:
            urlpatterns = stock + samizdat.urls.urlpatterns
            handler404 = samizdat.urls.handler404

        rows = []
        with override_settings(ROOT_URLCONF=Urls, DEBUG=False):
            base = _time(client, "/stock/sitemap.xml", runs)
            rows.append(("stock Django sitemap (statements only)", *base, 1.0))
            ours = _time(client, "/sitemap.xml", runs)
            rows.append(("/sitemap.xml (+ listings, hreflang)", *ours, ours[0] / base[0]))
            base = _time(client, "/stock/feed.xml", runs)
            rows.append(("stock Django RSS feed, 30 items", *base, 1.0))
            for url in ("/ru/feeds/atom.xml", "/ru/feeds/rss.xml", "/ru/feeds/feed.json"):
                ours = _time(client, url, runs)
                rows.append((url + " (full text)", *ours, ours[0] / base[0]))
            empty_head = {"syndication/_head.html": ""}
            with override_settings(
                TEMPLATES=[
                    {
                        "BACKEND": "django.template.backends.django.DjangoTemplates",
                        "DIRS": [Path(samizdat.urls.__file__).parent / "templates"],
                        "APP_DIRS": False,
                        "OPTIONS": {
                            "context_processors": [
                                "django.template.context_processors.request",
                                "samizdat.core.context_processors.site",
                            ],
                            "loaders": [
                                (
                                    "django.template.loaders.cached.Loader",
                                    [
                                        ("django.template.loaders.locmem.Loader", empty_head),
                                        "django.template.loaders.filesystem.Loader",
                                        "django.template.loaders.app_directories.Loader",
                                    ],
                                )
                            ],
                        },
                    }
                ]
            ):
                base = _time(client, statement_url, runs)
            rows.append(("statement page, empty head", *base, 1.0))
            ours = _time(client, statement_url, runs)
            rows.append(("statement page with head tags", *ours, ours[0] / base[0]))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.syndication", description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args([] if argv is None else argv)
    rows = run(args.n, args.runs)
    print(f"\n{args.n} published statements, SQLite, median of {args.runs} runs after a warm-up")
    print(f"{'request':<44}{'ms':>9}{'queries':>9}{'KB':>9}{'vs stock':>10}")
    for label, ms, queries, size, ratio in rows:
        print(f"{label:<44}{ms:>9.1f}{queries:>9}{size / 1024:>9.0f}{ratio:>10.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
