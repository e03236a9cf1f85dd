"""``samizdat import wordpress FILE.xml [--language ru] [--section-map a=b,…] [--media-dir DIR]
[--dry-run]``: bring a WordPress site's export across (see docs/import.md)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from samizdat.importers.wordpress import Importer, Options, parse_section_map
from samizdat.importers.wxr import WxrError


class Command(BaseCommand):
    help = "Import content from another publishing system (now: a WordPress WXR export)."

    def add_arguments(self, parser) -> None:
        sources = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")
        wp = sources.add_parser(
            "wordpress",
            help="a WordPress export file (Tools → Export → All content), WXR 1.0–1.2",
        )
        wp.add_argument("file", help="the export, e.g. site.WordPress.2026-11-30.xml")
        wp.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="language of items the export does not mark (default: %(default)s)",
        )
        wp.add_argument(
            "--section-map",
            default="",
            metavar="CAT=SECTION,…",
            help="put posts of a category into a section (default: one section per "
            "top-level category, created with the category's name)",
        )
        wp.add_argument(
            "--media-dir",
            type=Path,
            help="a copy of the old site's wp-content/uploads directory",
        )
        wp.add_argument(
            "--time-zone",
            help="the old site's time zone, for dates it wrote only in local time "
            f"(default: {settings.TIME_ZONE})",
        )
        wp.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )
        wp.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **opts) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if opts["media_dir"] is not None and not opts["media_dir"].is_dir():
            raise CommandError(f"--media-dir is not a directory: {opts['media_dir']}")
        try:
            section_map = parse_section_map(opts["section_map"])
        except ValueError as exc:
            raise CommandError(f"--section-map: {exc}") from exc
        if opts["time_zone"]:
            import zoneinfo

            try:
                zoneinfo.ZoneInfo(opts["time_zone"])
            except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
                raise CommandError(f"Unknown time zone: {opts['time_zone']}") from exc
        options = Options(
            language=opts["language"],
            section_map=section_map,
            media_dir=opts["media_dir"],
            dry_run=opts["dry_run"],
            time_zone=opts["time_zone"],
            progress=not opts["no_progress"] and opts.get("verbosity", 1) > 0,
        )
        try:
            report = Importer(path, options).run()
        except WxrError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was imported.") from exc
        self.stdout.write(report.table())
