"""The ``publish``, ``verify`` and ``rotate`` actions of ``samizdat mirror``."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError

from samizdat.authenticity import minisign

ACTIONS = ("publish", "verify", "rotate")
SHOWN = 50


def add_parsers(sub) -> None:
    publish = sub.add_parser("publish", help="export once and push to every mirror target")
    publish.add_argument(
        "--target", action="append", metavar="NAME", help="only this target (repeatable)"
    )
    publish.add_argument("--full", action="store_true", help="re-render every page")
    publish.add_argument("--no-progress", action="store_true")
    verify = sub.add_parser(
        "verify", help="check a mirror (directory or URL) against its signed manifest"
    )
    verify.add_argument("source", help="a directory or an http(s) URL of a mirror")
    verify.add_argument(
        "--key", help="the site's public key: a .pub file or its RW… line (default: this site's)"
    )
    rotate = sub.add_parser("rotate", help="give a (blocked) target a new URL and re-sign the list")
    rotate.add_argument("name")
    rotate.add_argument("--url", required=True)


def read_key(value: str) -> minisign.PublicKey:
    try:
        if Path(value).is_file():
            return minisign.PublicKey.from_file(Path(value).read_bytes())
        return minisign.PublicKey.from_base64(value)
    except (OSError, minisign.MinisignError) as exc:
        raise CommandError(f"--key: not a minisign public key: {exc}") from None


def handle(command, options: dict) -> None:
    action = options["action"]
    if action == "publish":
        publish(command, options)
    elif action == "verify":
        verify(command, options)
    else:
        rotate(command, options)


def publish(command, options: dict) -> None:
    from .publish import PublishError, format_table
    from .publish import publish as run

    progress = not options["no_progress"] and sys.stderr.isatty()
    try:
        result = run(options["target"], progress=progress, full=options["full"])
    except PublishError as exc:
        raise CommandError(str(exc)) from None
    command.stdout.write(
        f"Exported {result.exported_files} files in {result.export_seconds:.1f} s; "
        f"root hash {result.root_hash}"
    )
    command.stdout.write(format_table(result))
    if result.failed:
        names = ", ".join(r.name for r in result.failed)
        raise CommandError(f"{len(result.failed)} target(s) failed: {names} (re-run to resume)")
    command.stdout.write(command.style.SUCCESS(f"Published to {len(result.reports)} target(s)."))


def verify(command, options: dict) -> None:
    from .signedlist import SignedFileError
    from .verify import verify_mirror

    key = read_key(options["key"]) if options["key"] else None
    try:
        report = verify_mirror(options["source"], key)
    except SignedFileError as exc:
        raise CommandError(f"{options['source']}: refused: {exc}") from None
    for label, names in (
        ("missing", report.missing),
        ("altered", report.altered),
        ("extra", report.extra),
    ):
        for name in names[:SHOWN]:
            command.stdout.write(f"{label}: {name}")
        if len(names) > SHOWN:
            command.stdout.write(f"… and {len(names) - SHOWN} more {label} files")
    summary = f"{report.checked} files checked against the signed manifest {report.root_hash}" + (
        "" if report.extra_listed else " (extra files cannot be listed over HTTP)"
    )
    if not report.ok:
        raise CommandError(
            f"{summary}: {len(report.missing)} missing, {len(report.altered)} altered, "
            f"{len(report.extra)} extra — this is not a faithful mirror."
        )
    command.stdout.write(command.style.SUCCESS(summary + ": a faithful mirror."))


def rotate(command, options: dict) -> None:
    from . import config, signedlist
    from .publish import PublishError, secret_key, sign_list

    try:
        previous = signedlist.stored_list()
        path = config.config_path()
        secret = secret_key()
        url = config.replace_url(path, options["name"], options["url"])
        cfg = config.load(path)
        data = signedlist.build_list(
            list(cfg.targets.values()),
            previous.data if previous else None,
            {},
            secret.id,
            cfg.base_url,
        )
        signedlist.store_list(sign_list(data, secret))
    except (config.ConfigError, signedlist.SignedFileError, PublishError) as exc:
        raise CommandError(str(exc)) from None
    command.stdout.write(
        command.style.SUCCESS(
            f"{options['name']} now at {url}; the list is re-signed ({signedlist.list_path()}). "
            "Run `samizdat mirror publish` to put it into every mirror."
        )
    )
