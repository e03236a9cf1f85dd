"""Must show: a copy of the data directory cannot turn stored address hashes into addresses.

The posts go through the real comment view into a real data directory (SQLite file, WAL, file
cache) in a subprocess; the test then copies the directory and attacks it the way a seizing
party would: every 64-hex string on the disk, the site secret and every key derivable from it,
tried against the 127.0.0.0/24 network and the addresses known to have posted.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils.crypto import salted_hmac

DAY = 86400
KNOWN = ["203.0.113.7", "198.51.100.23", "2001:db8:1:2::5"]
HEX_RUN = re.compile(rb"[0-9a-fA-F]{64,}")


def hex_keys(data: bytes) -> set[bytes]:
    """Every 64-hex-digit window of every hex run (in a row, a key may touch other hex text)."""
    keys = set()
    for run in HEX_RUN.findall(data):
        keys |= {bytes.fromhex(run[i : i + 64].decode()) for i in range(len(run) - 63)}
    return keys


def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SAMIZDAT_"))}
    env.update(
        SAMIZDAT_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="samizdat.settings",
        SAMIZDAT_COMMENT_IP_RETENTION_DAYS="30",
    )
    return env


def _noon_today() -> float:
    """The simulated "now": midday UTC, so no post of a simulated day crosses a midnight."""
    import time

    return time.time() // DAY * DAY + DAY / 2


def _run(data_dir: Path, plan: dict, tmp: Path) -> dict:
    plan.setdefault("base", _noon_today())
    plan_file = tmp / f"plan-{len(list(tmp.glob('plan-*')))}.json"
    plan_file.write_text(json.dumps(plan))
    out = subprocess.run(
        [sys.executable, "-m", "samizdat.privacy.tests.seizure_scenario", str(plan_file)],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def site(tmp_path):
    data_dir = tmp_path / "data"
    subprocess.run(
        [sys.executable, "-m", "samizdat.cli", "init", "--no-static"],
        env=_env(data_dir),
        check=True,
        capture_output=True,
        timeout=300,
    )
    return data_dir


def _addresses() -> list[str]:
    from samizdat.discussion.privacy import network_key

    return [str(ip) for ip in ipaddress.ip_network("127.0.0.0/24")] + [
        network_key(a) for a in KNOWN
    ]


def _seize(data_dir: Path, tmp: Path) -> Path:
    copy = tmp / f"copy-{len(list(tmp.glob('copy-*')))}"
    shutil.copytree(data_dir, copy)
    return copy


def _stored_hashes(copy: Path) -> dict[int, str]:
    db = sqlite3.connect(f"file:{copy / 'samizdat.sqlite3'}?mode=ro", uri=True)
    rows = db.execute("SELECT id, ip_hash FROM discussion_comment").fetchall()
    db.close()
    return dict(rows)


def attack(copy: Path, days: list) -> dict[str, str]:
    """Every key found on or derived from the disk × every candidate address → hash → address."""
    found: set[bytes] = set()
    for path in copy.rglob("*"):
        if path.is_file():
            found |= hex_keys(path.read_bytes())
    secret = (copy / "secret_key").read_text().strip()
    keys = found | {secret.encode(), hashlib.sha256(secret.encode()).digest()}
    targets = {h for h in _stored_hashes(copy).values() if h}
    matches = {}
    for address in _addresses():
        for key in keys:
            digest = hmac.new(key, address.encode(), hashlib.sha256).hexdigest()
            if digest in targets:
                matches[digest] = address
        for day in days:  # the old scheme: a daily key derived from SECRET_KEY
            digest = salted_hmac(
                f"samizdat.discussion.ip.{day}", address, secret=secret, algorithm="sha256"
            ).hexdigest()
            if digest in targets:
                matches[digest] = address
    return matches


def _days(base: float, span: range) -> list[str]:
    import datetime as dt

    return [
        (dt.datetime.fromtimestamp(base, dt.UTC).date() + dt.timedelta(days=d)).isoformat()
        for d in span
    ]


def _no_address_in_clear(copy: Path) -> None:
    for path in copy.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for address in [*KNOWN, "127.0.0.5", "127.0.0.9"]:
                assert address.encode() not in data, (address, path)


def _ratelimit_files(copy: Path, posted: list[dict], hashes: dict[int, str]) -> list[str]:
    """Rate-limit counters of these posts still on the disk (rows named by the address hash)."""
    db = sqlite3.connect(f"file:{copy / 'samizdat.sqlite3'}?mode=ro", uri=True)
    keys = [row[0] for row in db.execute("SELECT key FROM core_ratecounter")]
    db.close()
    left = []
    for post in posted:
        digest = hashes.get(post["id"])
        if digest:
            left += [f"{key.split(':')[1]} {post['address']}" for key in keys if digest in key]
    return left


def test_after_the_day_no_stored_hash_can_be_matched_to_an_address(site, tmp_path):
    """Posts 40 days ago and yesterday; the disk is copied today after the hourly job ran."""
    posts = [
        [-40 * DAY, "203.0.113.7", "Айгерим"],
        [-40 * DAY + 60, "127.0.0.5", "Марат"],
        [-DAY, "203.0.113.7", "Айгерим"],
        [-DAY + 120, "203.0.113.7", "Айгерим"],
        [-DAY + 300, "198.51.100.23", "Ерлан"],
        [-DAY + 400, "2001:db8:1:2::5", "Dana"],
        [-DAY + 500, "127.0.0.9", "Сәуле"],
    ]
    result = _run(site, {"posts": posts, "jobs_at": [0]}, tmp_path)
    copy = _seize(site, tmp_path)
    hashes = _stored_hashes(copy)
    by_id = {p["id"]: p for p in result["posted"]}
    old = [i for i, p in by_id.items() if p["offset"] <= -40 * DAY + 60]
    recent = [i for i in by_id if i not in old]
    assert all(hashes[i] == "" for i in old)  # past retention: erased
    assert all(hashes[i] for i in recent)  # within retention: still there, but opaque
    same = [hashes[i] for i in recent if by_id[i]["address"] == "203.0.113.7"]
    assert len(same) == 2 and same[0] == same[1]  # one address, one day: linkable to each other
    assert attack(copy, _days(result["base"], range(-45, 2))) == {}
    _no_address_in_clear(copy)
    assert _ratelimit_files(copy, result["posted"], hashes) == []  # spent counters are gone
    db = sqlite3.connect(f"file:{copy / 'samizdat.sqlite3'}?mode=ro", uri=True)
    assert db.execute("SELECT day FROM privacy_addresskey").fetchall() == []
    db.close()


def test_within_the_day_todays_posts_are_linkable_until_midnight_utc(site, tmp_path):
    """While a day's key exists, a copy reveals that day's addresses; the next day it does not."""
    posts = [[-DAY + 50, "198.51.100.23", "Ерлан"], [-600, "127.0.0.9", "Сәуле"]]
    posts += [[-300, "2001:db8:1:2::5", "Dana"]]
    result = _run(site, {"posts": posts, "jobs_at": [0]}, tmp_path)
    base = result["base"]
    copy = _seize(site, tmp_path)
    hashes = _stored_hashes(copy)
    matches = attack(copy, _days(base, range(-2, 2)))
    today = {p["id"] for p in result["posted"] if p["offset"] > -DAY + 50}
    # What a copy taken today reveals: the addresses of today's comments (the key is on disk),
    # and nothing about yesterday's.
    assert matches == {hashes[i]: p["address"] for i, p in _posted(result).items() if i in today}
    assert {matches.get(hashes[i]) for i in today} == {"127.0.0.9", "2001:db8:1:2::/64"}
    yesterday = [i for i in _posted(result) if i not in today]
    assert all(hashes[i] not in matches for i in yesterday)
    _no_address_in_clear(copy)
    # The last post's rate-limit counters are there (named by today's hash), older ones are
    # gone (spent rows are purged by the periodic job core.purge-rate-counters).
    last = max(result["posted"], key=lambda p: p["offset"])
    assert len(_ratelimit_files(copy, [last], hashes)) >= 2
    yesterdays = [p for p in result["posted"] if p["id"] not in today]
    assert _ratelimit_files(copy, yesterdays, hashes) == []

    # The next UTC day (the job runs at least hourly): the key is gone, nothing matches any more.
    seconds_to_midnight = DAY - base % DAY
    _run(site, {"base": base, "posts": [], "jobs_at": [seconds_to_midnight + 1]}, tmp_path)
    later = _seize(site, tmp_path)
    assert attack(later, _days(base, range(-2, 3))) == {}
    assert _stored_hashes(later) == hashes  # the hashes themselves stay for the retention period


def _posted(result: dict) -> dict[int, dict]:
    by_id = {p["id"]: p for p in result["posted"]}
    from samizdat.discussion.privacy import network_key

    return {i: {**p, "address": network_key(p["address"])} for i, p in by_id.items()}
