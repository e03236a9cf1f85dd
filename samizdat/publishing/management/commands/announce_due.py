from django.core.management.base import BaseCommand

from samizdat.publishing.lifecycle import announce_due


class Command(BaseCommand):
    help = (
        "Tell listeners (search, mirror, …) about scheduled statements whose time has come. "
        "The background worker does this every minute; use this from cron without one."
    )

    def handle(self, *args, **options):
        count = announce_due()
        self.stdout.write(self.style.SUCCESS(f"Announced {count} statements."))
