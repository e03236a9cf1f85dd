"""Rate-limit counters are exact under parallel load on every store (8 processes × 50 events),
and spent database counters are purged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from samizdat.core import periodic, ratelimit
from samizdat.core.models import RateCounter
from samizdat.core.ratelimit import Rate

PROCESSES, EVENTS = 8, 50
REDIS_URL = "redis://127.0.0.1:6379/1"
NOW = 1_800_000_000.0  # one fixed window for every process
WORKER = """
import json, os, sys, time
from pathlib import Path
import django
django.setup()
from samizdat.core.ratelimit import Rate, hit_rate, _store
key, go, events = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
hit_rate("warm-up", key, Rate(1, 60), now=NOW)  # connect before the start line
while not go.exists():
    time.sleep(0.005)
counts = [int(hit_rate("parallel", key, Rate(10**6, 3600), now=NOW)) for _ in range(events)]
print(json.dumps({"store": _store(), "counts": counts}))
""".replace("NOW", repr(NOW))


def environ(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SAMIZDAT_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="samizdat.settings",
        SAMIZDAT_SECRET_KEY="rate-limit-test",
        SAMIZDAT_DATA_DIR=str(data_dir),
    )
    env.update(extra)
    return env


def run_parallel(env: dict[str, str], tmp_path: Path) -> tuple[set[str], list[int]]:
    key, go = uuid.uuid4().hex, tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, key, str(go), str(EVENTS)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    time.sleep(0.5)
    go.touch()
    stores, counts = set(), []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        result = json.loads(out.strip().splitlines()[-1])
        stores.add(result["store"])
        counts += result["counts"]
    return stores, counts


def assert_exact(counts: list[int]) -> None:
    total = PROCESSES * EVENTS
    # Every event got its own number: no increment lost, none counted twice.
    assert sorted(counts) == list(range(1, total + 1))
    print(f"{PROCESSES} processes × {EVENTS} events: counted {max(counts)} of {total}")


def test_sqlite_database_counter_is_exact_across_processes(tmp_path):
    (tmp_path / "data").mkdir()
    env = environ(tmp_path / "data")
    migrate = subprocess.run(
        [sys.executable, "-m", "samizdat.cli", "migrate", "core", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr
    stores, counts = run_parallel(env, tmp_path)
    assert stores == {"database"}
    assert_exact(counts)


@pytest.mark.postgres
def test_postgres_database_counter_is_exact_across_processes(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        if os.environ.get("SAMIZDAT_REQUIRE_POSTGRES") == "1" and os.environ.get(
            "DATABASE_URL", ""
        ).startswith("postgres"):
            pytest.fail("PostgreSQL required")
        pytest.skip("runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")
    db = connection.settings_dict
    url = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(
        **{k: db.get(k) or "" for k in ("USER", "PASSWORD", "HOST", "PORT")}, NAME=db["NAME"]
    ).replace(":@", "@")
    stores, counts = run_parallel(environ(tmp_path / "data", DATABASE_URL=url), tmp_path)
    assert stores == {"database"}
    assert_exact(counts)


def test_redis_counter_is_exact_across_processes(tmp_path):
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        if os.environ.get("SAMIZDAT_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required (SAMIZDAT_REQUIRE_REDIS=1) but {REDIS_URL} is down")
        pytest.skip(f"no Redis at {REDIS_URL}")
    env = environ(tmp_path / "data", SAMIZDAT_CACHE_URL=REDIS_URL)
    stores, counts = run_parallel(env, tmp_path)
    assert stores == {"redis"}
    assert_exact(counts)


@pytest.fixture
def database_store(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def test_database_counter_slides_like_the_others(db, database_store):
    rate = Rate(2, 60)
    assert [ratelimit.over_rate("client", "a", rate, now=600) for _ in range(3)] == [
        False,
        False,
        True,
    ]
    assert ratelimit.hit_rate("client", "a", rate, now=690) == pytest.approx(1 + 3 * 0.5)


def test_spent_database_counters_are_purged_by_a_periodic_job(db, database_store):
    ratelimit.hit_rate("client", "old", Rate(5, 60), now=1000)
    ratelimit.hit_rate("client", "new", Rate(5, 60), now=5000)
    assert RateCounter.objects.count() == 2
    assert "core.purge-rate-counters" in [job.name for job in periodic.jobs()]
    assert ratelimit.purge_expired(now=5000) == 1
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["ratelimit:client:new:60:83"]
