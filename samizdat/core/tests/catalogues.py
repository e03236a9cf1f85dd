"""An app's own UI strings and its .po catalogues, for the apps' translation tests."""

from __future__ import annotations

import re
from pathlib import Path

import polib

TRANSLATE = re.compile(r'{%\s*translate\s+"([^"]+)"')
BLOCK = re.compile(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", re.S)
PYTHON = re.compile(r'\b_\(\s*"([^"]+)"\s*\)')


def msgids(app: Path) -> set[str]:
    """The msgids of the app's templates ({% translate %}, {% blocktranslate %}) and modules."""
    found: set[str] = set()
    for template in (app / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        found.update(TRANSLATE.findall(text))
        for body in BLOCK.findall(text):
            found.add(" ".join(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", body).split()))
    for module in app.glob("*.py"):
        found.update(PYTHON.findall(module.read_text(encoding="utf-8")))
    return found


def catalogue(app: Path, language: str) -> polib.POFile:
    return polib.pofile(str(app / "locale" / language / "LC_MESSAGES" / "django.po"))
