"""Compile .po files to .mo with polib, so no gettext binaries are needed on the machine."""

from __future__ import annotations

from pathlib import Path

import polib

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def compile_translations(root: Path = PACKAGE_DIR) -> int:
    """Compile every stale ``locale/*/LC_MESSAGES/*.po`` under ``root``; return how many."""
    count = 0
    for po_path in root.glob("**/locale/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        count += 1
    return count
