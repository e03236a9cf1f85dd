from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from samizdat.core.setup import (
    WeakPassword,
    check_admin_password,
    ensure_admin,
    ensure_data_dir,
    write_secret_key,
)


class Command(BaseCommand):
    help = (
        "Create the data directory and its secret key (0600), migrate, collect static files "
        "and create an admin account (from flags or SAMIZDAT_ADMIN_* variables; never prompts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--admin-user", default=settings.ADMIN_USER)
        parser.add_argument("--admin-email", default=settings.ADMIN_EMAIL)
        parser.add_argument("--admin-password", default=settings.ADMIN_PASSWORD)
        parser.add_argument("--no-static", action="store_true", help="skip collectstatic")

    def handle(self, *args, **options):
        user, password = options["admin_user"], options["admin_password"]
        if user and password:  # refuse a weak password before changing anything
            try:
                check_admin_password(user, options["admin_email"], password)
            except WeakPassword as exc:
                raise CommandError(
                    f"The admin password is refused ({exc}); no account was created. "
                    "Choose a longer, uncommon one."
                ) from exc
        data_dir = ensure_data_dir()
        key_file = settings.SECRET_KEY_FILE
        if write_secret_key(key_file):
            self.stdout.write(f"Secret key written to {key_file} (mode 0600).")
        else:
            self.stdout.write(f"Secret key kept: {key_file}")
        try:
            settings.SECRET_KEY  # noqa: B018
        except ImproperlyConfigured:  # this process started before the key existed
            settings.SECRET_KEY = key_file.read_text().strip()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Database migrated: {settings.DATABASES['default']['NAME']}")
        if not options["no_static"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        if user:
            if not password:
                self.stderr.write(
                    "An admin account needs --admin-password or "
                    "SAMIZDAT_ADMIN_PASSWORD; none was created."
                )
            else:
                result = ensure_admin(user, options["admin_email"], password)
                self.stdout.write(f"Admin account {user!r}: {result}.")
        self.stdout.write(self.style.SUCCESS(f"Data directory ready: {data_dir}"))
