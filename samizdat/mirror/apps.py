from django.apps import AppConfig
from django.conf import settings


class MirrorConfig(AppConfig):
    name = "samizdat.mirror"
    label = "mirror"

    def ready(self) -> None:
        if not getattr(settings, "MIRROR_DIR", ""):
            return
        from samizdat.core import periodic

        from . import auto

        auto.connect_signals()
        periodic.register("mirror.export", every=settings.MIRROR_CHECK_SECONDS)(
            auto.export_if_stale
        )
