"""Passphrases for commands: a prompt on a terminal (twice for a new key), one line each from
standard input with --passphrase-stdin (scripting), or SAMIZDAT_KEY_PASSPHRASE only when the
operator opted in to unattended signing (SAMIZDAT_UNATTENDED_SIGNING=1)."""

from __future__ import annotations

import getpass
import sys

from django.conf import settings
from django.core.management.base import CommandError


class Passphrases:
    def __init__(self, from_stdin: bool = False):
        self.from_stdin = from_stdin

    def get(self, what: str = "Key passphrase", confirm: bool = False) -> str:
        if settings.SIGNING_KEY_PASSPHRASE:
            return settings.SIGNING_KEY_PASSPHRASE
        if self.from_stdin:
            line = sys.stdin.readline()
            passphrase = line[:-1] if line.endswith("\n") else line
            if not passphrase:
                raise CommandError(f"{what}: no passphrase on standard input.")
            return passphrase
        if not (sys.stdin and sys.stdin.isatty()):
            hint = (
                " (SAMIZDAT_KEY_PASSPHRASE is ignored without SAMIZDAT_UNATTENDED_SIGNING=1)"
                if settings.SIGNING_PASSPHRASE_IGNORED
                else ""
            )
            raise CommandError(
                f"{what} is needed: no terminal to ask on. Use --passphrase-stdin{hint}."
            )
        passphrase = getpass.getpass(f"{what}: ")
        if not passphrase:
            raise CommandError("The passphrase must not be empty.")
        if confirm and getpass.getpass(f"{what}, again: ") != passphrase:
            raise CommandError("The passphrases differ.")
        return passphrase


def obtain_passphrase(confirm: bool = False, from_stdin: bool = False) -> str:
    return Passphrases(from_stdin).get(confirm=confirm)
