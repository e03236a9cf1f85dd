import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from samizdat.core.setup import ensure_admin, ensure_data_dir, write_secret_key


class Command(BaseCommand):
    help = (
        "Create the data directory and its secret key (0600), migrate, collect static files "
        "and create an admin account (from flags or SAMIZDAT_ADMIN_* variables; never prompts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--admin-user", default=os.environ.get("SAMIZDAT_ADMIN_USER", ""))
        parser.add_argument("--admin-email", default=os.environ.get("SAMIZDAT_ADMIN_EMAIL", ""))
        parser.add_argument(
            "--admin-password", default=os.environ.get("SAMIZDAT_ADMIN_PASSWORD", "")
        )
        parser.add_argument("--no-static", action="store_true", help="skip collectstatic")

    def handle(self, *args, **options):
        data_dir = ensure_data_dir()
        key_file = settings.SECRET_KEY_FILE
        if write_secret_key(key_file):
            self.stdout.write(f"Secret key written to {key_file} (mode 0600).")
        else:
            self.stdout.write(f"Secret key kept: {key_file}")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Database migrated: {settings.DATABASES['default']['NAME']}")
        if not options["no_static"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        user = options["admin_user"]
        if user:
            if not options["admin_password"]:
                self.stderr.write(
                    "An admin account needs --admin-password or "
                    "SAMIZDAT_ADMIN_PASSWORD; none was created."
                )
            else:
                result = ensure_admin(user, options["admin_email"], options["admin_password"])
                self.stdout.write(f"Admin account {user!r}: {result}.")
        self.stdout.write(self.style.SUCCESS(f"Data directory ready: {data_dir}"))
