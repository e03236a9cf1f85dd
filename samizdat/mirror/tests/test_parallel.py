"""The parallel export writes exactly what the one-process test-client export wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from samizdat.mirror.render import PARALLEL_MIN, SMALL_PARALLEL_MIN

REPO = Path(__file__).resolve().parents[3]


def test_parallel_export_is_byte_identical_to_the_test_client_export(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "DJANGO_", "SAMIZDAT_"))
    }
    env["SAMIZDAT_STATEMENTS_PER_PAGE"] = "4"  # several listing pages per section and tag
    run = subprocess.run(
        [sys.executable, "-m", "samizdat.mirror.tests.parallel_check", str(tmp_path), "60"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["cannot_fork"] is None
    assert report["parallel"]["rendered"] >= PARALLEL_MIN  # so workers were used
    assert report["client"]["files"] > 200
    assert report["handler"]["files"] == report["parallel"]["files"] == report["client"]["files"]
    assert report["differences"] == {"handler": [], "parallel": []}
    # After a publication: a few dozen pages, rendered in small runs by the two workers.
    incremental = report["incremental"]
    assert SMALL_PARALLEL_MIN <= incremental["parallel"]["rendered"] < PARALLEL_MIN
    assert incremental["parallel"]["rendered"] == incremental["client"]["rendered"]
    assert incremental["differences"] == {"parallel": []}
