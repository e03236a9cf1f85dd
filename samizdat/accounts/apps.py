from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "samizdat.accounts"
    label = "accounts"
    verbose_name = _("Accounts and audit")

    def ready(self) -> None:
        from samizdat.core import periodic

        from . import audit, handlers, throttle  # noqa: F401
        from .sessions import SessionStore

        handlers.connect_publishing()

        # Expired session rows (hashes only, but still: who was signed in when) go hourly.
        periodic.register("accounts.clear-expired-sessions", every=3600)(SessionStore.clear_expired)
        # Lockouts hold keyed hashes of names and addresses: forgotten a week after they end.
        periodic.register("accounts.purge-old-lockouts", every=24 * 3600)(
            throttle.purge_old_lockouts
        )
        periodic.register("accounts.verify-audit-trail", every=24 * 3600)(audit.verify_and_log)

    def demo_setup(self, stdout) -> None:
        from .demo import demo_admin_totp

        stdout.write(demo_admin_totp())
