from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samizdat.core"
    label = "core"

    def ready(self) -> None:
        from samizdat.languages import install_format_modules

        from . import clientip, periodic, ratelimit  # noqa: F401 (clientip registers a check)
        from .site import connect_signals

        install_format_modules()
        connect_signals()
        periodic.register("core.purge-rate-counters", every=600)(ratelimit.purge_expired)
        from . import mail

        periodic.register("core.prune-mail-tasks", every=6 * 3600)(mail.prune_finished)
