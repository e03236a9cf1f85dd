import os
import secrets

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from samizdat.core.setup import ensure_admin


def demo_admin_password() -> str:
    """A generated password for the demo admin, kept (0600) so re-runs print the same one."""
    path = settings.DATA_DIR / "demo-admin-password"
    if path.exists():
        return path.read_text().strip()
    password = secrets.token_urlsafe(12)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password + "\n")
    return password


class Command(BaseCommand):
    help = "Initialise the data directory, load the demo content (idempotent) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="set up only")

    def handle(self, *args, **options):
        from samizdat.publishing.demo import load_demo

        call_command("init")
        password = demo_admin_password()
        ensure_admin("admin", "admin@example.org", password)
        self.stdout.write(self.style.SUCCESS(load_demo()))
        self.stdout.write(
            f"Admin: http://{options['host']}:{options['port']}/admin/  user 'admin', "
            f"password {password!r} (generated for this data directory; kept in "
            f"{settings.DATA_DIR / 'demo-admin-password'})"
        )
        for hook in _demo_hooks():
            hook(self.stdout)
        if not options["no_serve"]:
            # serve re-reads the settings in a fresh process, so it sees the new secret key.
            call_command("serve", host=options["host"], port=options["port"])


def _demo_hooks():
    """Other apps add demo steps (e.g. a demo signing key) here without touching this file."""
    from django.apps import apps

    hooks = []
    for config in apps.get_app_configs():
        hook = getattr(config, "demo_setup", None)
        if callable(hook):
            hooks.append(hook)
    return hooks
