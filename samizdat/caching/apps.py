from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CachingConfig(AppConfig):
    name = "samizdat.caching"
    label = "caching"
    verbose_name = _("HTTP caching")

    def ready(self) -> None:
        from . import signals

        signals.connect()
