from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "samizdat.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from samizdat.core import periodic

        from . import jobs

        # Address keys die with their day; address hashes past the retention period are erased.
        periodic.register("privacy.forget-addresses", every=3600)(jobs.forget_addresses)

    def demo_setup(self, stdout) -> None:
        from .demo import setup_demo_recipient

        stdout.write(setup_demo_recipient())
