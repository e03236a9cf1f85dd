"""Catalogues are compiled when the package is built, never by the running site.

A fresh clone has only .po files: the build step (setup.py's build_py, which the wheel and
an editable install run, and `make translations`) compiles them; a site started from a
read-only package without .mo files writes nothing into it.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import samizdat

ROOT = Path(samizdat.__file__).resolve().parent.parent
PROBE = """
import django
django.setup()
from django.utils import translation
for lang in ("ru", "kk", "en"):
    with translation.override(lang):
        print(lang, translation.gettext("Home"))
"""


def fresh_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "src" / "samizdat"
    ignore = shutil.ignore_patterns("*.mo", "__pycache__", "tests")
    shutil.copytree(ROOT / "samizdat", copy, ignore=ignore)
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / "src" / name)
    assert not list(copy.glob("**/*.mo"))
    return copy


def probe(pythonpath: Path, tmp_path: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        PYTHONPATH=str(pythonpath),
        PYTHONDONTWRITEBYTECODE="1",
        DJANGO_SETTINGS_MODULE="samizdat.settings",
        SAMIZDAT_DATA_DIR=str(tmp_path / "data"),
        SAMIZDAT_SECRET_KEY="translation-probe-key",
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
    return result.stdout.split("\n")[:3]


def test_the_build_step_compiles_every_catalogue_into_the_built_package(tmp_path: Path) -> None:
    fresh_copy(tmp_path)
    build_lib = tmp_path / "build"
    result = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(build_lib)],
        cwd=tmp_path / "src",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    po_files = list((tmp_path / "src").glob("**/locale/*/LC_MESSAGES/*.po"))
    mo_files = list(build_lib.glob("samizdat/**/locale/*/LC_MESSAGES/*.mo"))
    assert len(mo_files) == len(po_files) > 3
    assert not list((tmp_path / "src").glob("**/*.mo"))  # the source tree stays clean
    assert probe(build_lib, tmp_path) == ["ru Главная", "kk Басты бет", "en Home"]


def test_the_running_site_never_writes_catalogues(tmp_path: Path) -> None:
    copy = fresh_copy(tmp_path)
    lines = probe(copy.parent, tmp_path)
    assert not list(copy.glob("**/*.mo"))
    assert lines[0] != "ru Главная"  # untranslated: compiling is the build's job


def test_a_checkout_compiles_with_make_translations(tmp_path: Path) -> None:
    copy = fresh_copy(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "samizdat.core.translations", str(copy)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(copy.parent)},
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert probe(copy.parent, tmp_path) == ["ru Главная", "kk Басты бет", "en Home"]
