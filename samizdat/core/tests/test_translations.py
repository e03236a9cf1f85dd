"""A fresh clone has only .po files: the first process compiles them and uses them at once."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import samizdat

PROBE = """
import django
django.setup()
from django.utils import translation
for lang in ("ru", "kk", "en"):
    with translation.override(lang):
        print(lang, translation.gettext("Home"))
"""


def test_first_start_without_mo_files_translates_every_language(tmp_path: Path) -> None:
    package = Path(samizdat.__file__).parent
    copy = tmp_path / "samizdat"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__", "tests"))
    assert not list(copy.glob("**/*.mo"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        PYTHONPATH=str(tmp_path),
        DJANGO_SETTINGS_MODULE="samizdat.settings",
        SAMIZDAT_DATA_DIR=str(tmp_path / "data"),
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["ru Главная", "kk Басты бет", "en Home"]
    assert list(copy.glob("locale/ru/LC_MESSAGES/django.mo"))
