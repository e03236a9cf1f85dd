from django.core.management.base import BaseCommand

from samizdat.search.backends import get_backend
from samizdat.search.indexing import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index of all statements, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args, **options):
        count = rebuild_index(progress=not options["no_progress"], file=self.stderr._out)
        backend = get_backend().vendor
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} statements ({backend})."))
