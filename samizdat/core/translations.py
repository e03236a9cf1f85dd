"""Compile .po files to .mo with polib, so no gettext binaries are needed on the machine.

Run at build time only (setup.py's build step, `make`, ``python -m samizdat.core.translations``);
the running site never writes into its package.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def compile_translations(root: Path = PACKAGE_DIR, force: bool = False) -> int:
    """Compile every stale (or, with ``force``, every) ``locale/*/LC_MESSAGES/*.po``."""
    count = 0
    for po_path in sorted(Path(root).glob("**/locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        fresh = mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime
        if fresh and not force:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        count += 1
    return count


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else PACKAGE_DIR
    print(f"compiled {compile_translations(root)} translation catalogues under {root}")
