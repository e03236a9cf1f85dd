from django.core.management.base import BaseCommand, CommandError

from samizdat.accounts import audit
from samizdat.accounts.models import AuditEntry


class Command(BaseCommand):
    help = "The audit trail: `audit verify` checks the hash chain and names the first broken entry."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="recompute the chain from the first entry")

    def handle(self, *args, **options):
        total = AuditEntry.objects.count()
        step = max(total // 10, 1000)

        def progress(done):
            if done % step == 0:
                self.stderr.write(f"  {done}/{total} entries checked")

        checked, broken = audit.verify(progress)
        if broken:
            raise CommandError(
                f"Audit trail broken at {broken} — {checked} entries before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {checked} entries."))
