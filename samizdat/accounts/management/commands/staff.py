from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from samizdat.accounts import factors, throttle
from samizdat.accounts.models import Lockout


class Command(BaseCommand):
    help = (
        "Staff accounts from the server's shell (when no superuser can sign in): "
        "`staff reset-2fa NAME` removes the account's second factors and ends its sessions; "
        "`staff unlock NAME` lifts the lockouts of that name. Both are audited."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("reset-2fa", help="remove every second factor of NAME").add_argument("name")
        sub.add_parser("unlock", help="lift the sign-in lockouts of NAME").add_argument("name")

    def handle(self, *args, subcommand, name, **options):
        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: name}).first()
        if subcommand == "reset-2fa":
            if user is None:
                raise CommandError(f"No account named {name!r}.")
            removed = factors.reset_devices(user, by=None)
            self.stdout.write(f"{name}: {removed} device rows removed, sessions ended.")
            return
        keys = {throttle.account_key(name)}
        if user is not None:
            keys.add(throttle.keyed("otp-account", str(user.pk)))
        lifted = 0
        for lockout in Lockout.objects.filter(key__in=keys, lifted_at__isnull=True):
            throttle.lift(lockout, by=None)
            lifted += 1
        self.stdout.write(f"{name}: {lifted} lockout(s) lifted.")
