from django.core.management.base import BaseCommand

from samizdat.publishing.reprocess import reprocess_images


class Command(BaseCommand):
    help = (
        "images reprocess: re-encode every stored image without metadata under a random name, "
        "update images, variants and Markdown bodies, delete originals and old-named files."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        reprocess = sub.add_parser("reprocess", help="re-process all stored images")
        reprocess.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args, action, **options):
        report = reprocess_images(progress=not options["no_progress"], file=self.stderr._out)
        for path in report.missing:
            self.stderr.write(f"missing file, left as it is: {path}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-processed {report.images} images ({report.unchanged} already clean), "
                f"updated {report.bodies} bodies, "
                f"deleted {len(report.deleted)} originals and old-named files."
            )
        )
