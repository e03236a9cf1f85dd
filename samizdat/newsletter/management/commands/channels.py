"""`samizdat channels`: subscribers per list and the last sends, as on the staff page."""

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Show subscribers per newsletter list and the last sends with their state."

    def add_arguments(self, parser):
        parser.add_argument("--last", type=int, default=10, help="how many sends (default 10)")

    def handle(self, *args, last: int, **options):
        from samizdat.newsletter.channels import summary

        data = summary(last=max(1, last))
        self.stdout.write("Newsletter lists (confirmed / waiting for confirmation):")
        for row in data["lists"]:
            self.stdout.write(f"  {row['language']:<6} {row['confirmed']:>8} {row['pending']:>8}")
        self.stdout.write("Last sends:")
        if not data["sends"]:
            self.stdout.write("  (none)")
        for row in data["sends"]:
            send, counts = row["send"], row["counts"]
            detail = " ".join(f"{k} {v}" for k, v in counts.items() if v)
            self.stdout.write(
                f"  #{send.pk} {send.language} {send.state:<8} {row['done']}/{row['total']} "
                f"{detail}  {send.statement.title[:60]}"
            )
        if apps.is_installed("samizdat.federation"):
            try:
                from samizdat.federation.channels import channel_context

                context = channel_context(None)
            except Exception:  # its section is the federation app's business
                return
            self.stdout.write("Federation:")
            for key, value in context.items():
                if isinstance(value, int | str):
                    self.stdout.write(f"  {key}: {value}")
