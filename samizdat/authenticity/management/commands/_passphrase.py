"""Passphrases for commands: from SAMIZDAT_KEY_PASSPHRASE, else a prompt on a terminal only."""

from __future__ import annotations

import getpass
import sys

from django.conf import settings
from django.core.management.base import CommandError


def obtain_passphrase(confirm: bool = False) -> str:
    if settings.SIGNING_KEY_PASSPHRASE:
        return settings.SIGNING_KEY_PASSPHRASE
    if not (sys.stdin and sys.stdin.isatty()):
        raise CommandError(
            "A passphrase is needed: set SAMIZDAT_KEY_PASSPHRASE (no terminal to ask on)."
        )
    passphrase = getpass.getpass("Key passphrase: ")
    if not passphrase:
        raise CommandError("The passphrase must not be empty.")
    if confirm and getpass.getpass("Passphrase again: ") != passphrase:
        raise CommandError("The passphrases differ.")
    return passphrase
