from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "samizdat.accounts"
    label = "accounts"
    verbose_name = _("Accounts and audit")

    def ready(self) -> None:
        from . import handlers  # noqa: F401

    def demo_setup(self, stdout) -> None:
        from .demo import demo_admin_totp

        stdout.write(demo_admin_totp())
