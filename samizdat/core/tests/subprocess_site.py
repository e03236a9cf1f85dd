"""Run the probe (``probe.py``) in a subprocess with its own settings module and environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def probe(tmp_path: Path, settings_body: str, codes: list[str], db_name: str, **env: str) -> dict:
    (tmp_path / "probe_settings.py").write_text(settings_body)
    environ = dict(os.environ)
    environ.update(
        DJANGO_SETTINGS_MODULE="probe_settings",
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]),
        SAMIZDAT_DATA_DIR=str(tmp_path / "data"),
        **env,
    )
    result = subprocess.run(
        [sys.executable, "-m", "samizdat.core.tests.probe", db_name, *codes],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    line = next(li for li in result.stdout.splitlines() if li.startswith("PROBE-RESULT "))
    return json.loads(line.removeprefix("PROBE-RESULT "))
