from pathlib import Path

from django.core.management.base import BaseCommand

from samizdat.privacy import backup, restore


class Command(BaseCommand):
    help = (
        "backup create FILE: the database, media and keys in one archive encrypted to the "
        "age recipient (SAMIZDAT_BACKUP_RECIPIENT or DATA_DIR/backup-recipient.txt). "
        "backup restore FILE --identity KEYFILE: bring it back into an empty data dir/database."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="write an encrypted backup")
        create.add_argument("file", type=Path)
        create.add_argument("--no-progress", action="store_true")
        restore_ = sub.add_parser("restore", help="restore an encrypted backup")
        restore_.add_argument("file", type=Path)
        restore_.add_argument("--identity", type=Path, required=True, help="age identity file")
        restore_.add_argument("--no-progress", action="store_true")

    def handle(self, *args, action, file, no_progress=False, **options):
        if action == "create":
            s = backup.create(file, progress=not no_progress, file=self.stderr._out)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backup written to {file}: {s.files} items, {s.plain_bytes} bytes → "
                    f"{s.archive_bytes} bytes encrypted, in {s.seconds:.2f} s."
                )
            )
            return
        result = restore.restore(
            file, options["identity"], progress=not no_progress, file=self.stderr._out
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result['restored']} items ({result['engine']} backup of "
                f"{result['created']}). Next: `samizdat init` (migrations, static files)."
            )
        )
