from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from samizdat.privacy.audit import audit


class Command(BaseCommand):
    help = (
        "privacy audit [--data-dir DIR]: list everything in a data directory (or the live "
        "configuration) that could identify a reader or commenter, with counts."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("audit", help="the seizure report")
        report.add_argument("--data-dir", type=Path, help="inspect this directory as found")
        report.add_argument(
            "--strict", action="store_true", help="exit with an error when a problem is found"
        )

    def handle(self, *args, action, data_dir=None, strict=False, **options):
        if data_dir is not None and not data_dir.is_dir():
            raise CommandError(f"No data directory at {data_dir}.")
        findings = audit(data_dir, settings.COMMENT_IP_RETENTION_DAYS)
        where = data_dir or f"live configuration ({settings.DATA_DIR})"
        self.stdout.write(f"Seizure report for {where}:")
        for f in findings:
            mark = "PROBLEM" if f.problem else "kept"
            self.stdout.write(f"  [{mark:7}] {f.key:24} {f.count:6}  {f.what}: {f.detail}")
        problems = [f for f in findings if f.problem]
        self.stdout.write(f"{len(problems)} problems; docs/privacy.md says what is kept and why.")
        if strict and problems:
            raise CommandError(f"{len(problems)} privacy problems found.")
