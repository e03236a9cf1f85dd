"""Comments posted through the real view on simulated days, in a real data directory.

Run by test_seizure.py in a subprocess (``python -m samizdat.privacy.tests.seizure_scenario
PLAN.json``) with SAMIZDAT_DATA_DIR set, so the database is a real SQLite file with its WAL and
the cache is the real file cache: what a seized disk would hold. The plan lists
``[seconds_from_now, address, name]`` posts and ``jobs_at``: when the periodic jobs run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from samizdat.core import periodic  # noqa: E402
from samizdat.discussion.models import Comment  # noqa: E402
from samizdat.discussion.tests.bot import Bot  # noqa: E402
from samizdat.publishing.models import Section, Statement  # noqa: E402

REAL_TIME = time.time


class FakeClock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def main(plan_path: str) -> None:
    plan = json.loads(open(plan_path).read())
    base = plan.get("base") or REAL_TIME()
    clock = FakeClock(base)
    aware_now = lambda: dt.datetime.fromtimestamp(clock.t, dt.UTC)  # noqa: E731
    with mock.patch("time.time", clock), mock.patch.object(timezone, "now", aware_now):
        statement = Statement.objects.filter(slug="seizure-test").first()
        if statement is None and plan["posts"]:
            section, _ = Section.objects.get_or_create(
                slug="news",
                defaults={"names": {"ru": "Новости", "kk": "Жаңалық", "en": "News"}},
            )
            statement = Statement.objects.create(
                title="Заявление",
                slug="seizure-test",
                language="ru",
                section=section,
                status=Statement.Status.PUBLISHED,
                published_at=timezone.now() - dt.timedelta(days=90),
                body="Текст.",
            )
        posted = []
        for offset, address, name in sorted(plan["posts"]):
            clock.t = base + offset
            bot = Bot(Client(REMOTE_ADDR=address), clock)
            response = bot.comment(statement.get_absolute_url(), name=name, text=f"Текст {name}")
            assert response.status_code == 302, (response.status_code, address)
            comment = Comment.objects.order_by("-pk").first()
            # created_at's default is timezone.now bound at import: set the simulated time.
            Comment.objects.filter(pk=comment.pk).update(created_at=aware_now())
            posted.append({"id": comment.pk, "address": address, "offset": offset, "at": clock.t})
        for offset in plan.get("jobs_at", []):
            clock.t = base + offset
            ran = periodic.run_due({})  # what the background worker does, every hour
            assert "privacy.forget-addresses" in ran, ran
    print(json.dumps({"base": base, "posted": posted}))


if __name__ == "__main__":
    main(sys.argv[1])
