"""Build hook: compile the .po catalogues to .mo while the package is built.

The wheel carries ready .mo files, so an installed site (read-only install directory) is
translated from its first request and never writes into its own package. An editable
install (a checkout) compiles them next to the .po files; `make` keeps them fresh after edits.
"""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).resolve().parent))
from samizdat.core.translations import compile_translations  # noqa: E402 (polib only)


class BuildWithCatalogues(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            compiled = compile_translations()
            where = "samizdat/"
        else:
            compiled = compile_translations(Path(self.build_lib) / "samizdat", force=True)
            where = self.build_lib
        print(f"compiled {compiled} translation catalogues in {where}")


setup(cmdclass={"build_py": BuildWithCatalogues})
