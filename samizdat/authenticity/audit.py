"""Signatures and key operations go into the staff audit trail (docs/accounts.md).

Through the accounts app when it is installed (it is on every real site); a site run without
it still signs, with nothing to record into.
"""

from __future__ import annotations

from django.apps import apps


def record(action: str, **kwargs) -> None:
    if apps.is_installed("samizdat.accounts"):
        from samizdat.accounts.audit import record as append

        append(action, **kwargs)
