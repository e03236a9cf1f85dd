"""settings.MIRROR_URL_PROVIDERS entry: the mirror list files and pages for the export.

The list files get a constant fingerprint: publish.py puts the current signed list into every
mirror itself (it changes with every publication, which must not re-render the site). The
"Where to read us" pages change only when a mirror's name, kind or URL does.
"""

from __future__ import annotations

from django.utils.translation import override

from samizdat import languages

from .signedlist import LIST_REL, SIG, list_fingerprint


def mirror_urls() -> list[tuple[str, str]]:
    from django.urls import reverse

    found = [
        ("/" + LIST_REL, "published-separately"),
        ("/" + LIST_REL + SIG, "published-separately"),
    ]
    fp = list_fingerprint()
    for code in languages.codes():
        with override(code):
            found.append((reverse("mirror_network:where"), fp))
    return found
