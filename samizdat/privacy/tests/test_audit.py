"""The seizure report on a demo data directory with comments: nothing beyond docs/privacy.md."""

from __future__ import annotations

import io
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from .metadata import jpeg_full_of_metadata
from .test_backup import _env, samizdat
from .test_seizure import DAY, _run

DOCS = Path(__file__).resolve().parents[3] / "docs" / "privacy.md"
LINE = re.compile(r"^\s+\[(kept|PROBLEM)\s*\] (\S+)\s+(\d+)\s", re.M)


def _report(data_dir: Path, *extra: str) -> tuple[int, dict[str, tuple[str, int]], str]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "samizdat.cli",
            "privacy",
            "audit",
            "--data-dir",
            str(data_dir),
            *extra,
        ],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    rows = {key: (mark, int(count)) for mark, key, count in LINE.findall(out.stdout)}
    return out.returncode, rows, out.stdout + out.stderr


def _documented_keys() -> set[str]:
    """The keys in docs/privacy.md's seizure-report table (first column, in backticks)."""
    section = DOCS.read_text().split("## What `samizdat privacy audit` reports", 1)[1]
    return set(re.findall(r"^\| `([a-z-]+)` \|", section, re.M))


def test_demo_with_comments_holds_nothing_beyond_what_the_docs_say(tmp_path):
    data = tmp_path / "data"
    samizdat(_env(data), "demo", "--no-serve")
    posts = [[-DAY, "203.0.113.7", "Айгерим"], [-600, "198.51.100.23", "Ерлан"]]
    posts += [[-300, "203.0.113.7", "Айгерим"]]
    _run(data, {"posts": posts, "jobs_at": [0]}, tmp_path)
    code, rows, text = _report(data, "--strict")
    assert code == 0, text
    assert rows["comment-address-hashes"] == ("kept", 3)
    assert rows["address-keys"] == ("kept", 1)  # today's only
    assert rows["image-metadata"] == ("kept", 0) and rows["original-names"] == ("kept", 0)
    present = {key for key, (_, count) in rows.items() if count}
    documented = _documented_keys()
    assert present <= documented, present - documented
    assert set(rows) <= documented, set(rows) - documented  # every line the report can print


def test_report_flags_what_the_design_should_not_leave(tmp_path):
    data = tmp_path / "data"
    samizdat(_env(data), "init", "--no-static")
    media = data / "media" / "images"
    media.mkdir(parents=True)
    (media / "aigerim-rally.jpg").write_bytes(jpeg_full_of_metadata((64, 48)))
    (data / "access.log").write_text("GET /\n")
    db = sqlite3.connect(data / "samizdat.sqlite3")
    db.execute("INSERT INTO privacy_addresskey (day, key) VALUES ('2020-01-01', 'ab')")
    db.commit()
    db.close()
    code, rows, text = _report(data, "--strict")
    assert code != 0 and "privacy problems" in text
    for key in ("image-metadata", "original-names", "log-files", "address-keys"):
        assert rows[key][0] == "PROBLEM", (key, text)
    assert rows["comment-address-hashes"][0] == "kept"


def test_audit_of_the_live_configuration(db, settings, tmp_path):
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    call_command("privacy", "audit", stdout=out)
    assert "Seizure report for live configuration" in out.getvalue()
    assert "comment-address-hashes" in out.getvalue()
