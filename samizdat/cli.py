"""The ``samizdat`` console command: Django's management commands under one name.

``samizdat init|demo|serve`` are our own commands; everything else (``migrate``,
``createsuperuser``, ``mirror``, ``keys``, ``verify``, ``reindex`` …) passes through.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["init"], ["demo"]):
        from samizdat import firstrun

        firstrun.active = True  # these two write the secret key; see settings._secret_key
    execute_from_command_line(["samizdat", *args])


if __name__ == "__main__":
    main()
