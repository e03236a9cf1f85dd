"""Signatures and key operations go into the staff audit trail (docs/accounts.md).

Through the accounts app when it is installed (it is on every real site); a site run without
it still signs, with nothing to record into. A key command run before ``samizdat init`` made
the database is not stopped halfway by the missing table: it says what was not recorded.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import DatabaseError

log = logging.getLogger(__name__)


def record(action: str, **kwargs) -> None:
    if not apps.is_installed("samizdat.accounts"):
        return
    from samizdat.accounts.audit import record as append

    try:
        append(action, **kwargs)
    except DatabaseError as exc:
        log.warning("%s was not recorded in the audit trail (database not ready: %s)", action, exc)
