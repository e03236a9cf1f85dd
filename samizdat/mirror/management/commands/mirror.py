"""`samizdat mirror export DIR [--base-url URL] [--check] [--full]`, `samizdat mirror check DIR`."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from samizdat.mirror.check import CheckReport, check_mirror
from samizdat.mirror.export import export_mirror
from samizdat.mirror.network import cli as network
from samizdat.mirror.tree import MirrorError

MAX_PROBLEMS_SHOWN = 50


def base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise CommandError(
            f"--base-url must be an http(s) URL such as https://example.org, not {value!r}"
        )
    return value.rstrip("/")


class Command(BaseCommand):
    help = "Export the public site as a static mirror, or check an exported mirror."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{export,check,publish,verify,rotate}"
        )
        export = sub.add_parser("export", help="write (or update) a static copy of the site")
        export.add_argument("directory", help="the mirror directory (new, empty or a mirror)")
        export.add_argument(
            "--base-url",
            help="the URL the site is known under, for absolute links (default SAMIZDAT_SITE_URL)",
        )
        export.add_argument("--check", action="store_true", help="check the mirror afterwards")
        export.add_argument(
            "--full", action="store_true", help="re-render every page, ignoring the manifest"
        )
        export.add_argument("--no-progress", action="store_true", help="no progress bars")
        export.add_argument(
            "--workers",
            type=int,
            help="processes that render pages (default: one per CPU; 1: in this process)",
        )
        check = sub.add_parser("check", help="report broken links and third-party references")
        check.add_argument("directory")
        check.add_argument(
            "--strict-links",
            action="store_true",
            help="also fail on hyperlinks (<a href>) to other sites (by default they are "
            "content, e.g. links in readers' comments, and only counted)",
        )
        check.add_argument("--no-progress", action="store_true", help="no progress bar")
        network.add_parsers(sub)  # publish, verify, rotate (samizdat/mirror/network)

    def handle(self, *args, **options):
        if options["action"] in network.ACTIONS:
            return network.handle(self, options)
        progress = not options["no_progress"] and sys.stderr.isatty()
        try:
            if options["action"] == "export":
                self.export(options, progress)
            else:
                report = check_mirror(
                    options["directory"],
                    strict_links=options["strict_links"],
                    progress=progress,
                )
                self.report(report)
        except MirrorError as exc:
            raise CommandError(str(exc)) from exc

    def export(self, options: dict, progress: bool) -> None:
        url = base_url(options["base_url"]) if options["base_url"] else None
        result = export_mirror(
            options["directory"],
            base_url=url,
            full=options["full"],
            progress=progress,
            workers=options["workers"],
        )
        mode = "full" if result.full else "incremental"
        self.stdout.write(
            self.style.SUCCESS(
                f"Mirror written to {result.target} ({mode}, {result.seconds:.1f} s): "
                f"{result.files} files, {result.rendered} rendered, {result.written} written, "
                f"{result.linked} carried over, {result.removed} removed."
            )
        )
        if result.missing_assets:
            self.stderr.write(
                "Referenced files not found (links to them will be broken): "
                + ", ".join(result.missing_assets[:20])
            )
        if result.unsupported_routes and options["verbosity"] > 1:
            self.stdout.write("Routes not exported: " + ", ".join(result.unsupported_routes))
        if options["check"]:
            self.report(check_mirror(result.target, progress=progress))

    def report(self, report: CheckReport) -> None:
        for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
            self.stdout.write(str(problem))
        if len(report.problems) > MAX_PROBLEMS_SHOWN:
            self.stdout.write(f"… and {len(report.problems) - MAX_PROBLEMS_SHOWN} more.")
        summary = (
            f"Checked {report.pages} pages, {report.links} references "
            f"({report.site_links} to the live site, "
            f"{report.external_links} links to other sites, counted as content)"
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS(summary + ": no problems."))
            return
        raise CommandError(f"{summary}: {len(report.problems)} problems.")
