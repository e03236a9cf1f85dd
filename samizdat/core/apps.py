from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samizdat.core"
    label = "core"

    def ready(self) -> None:
        from .site import connect_signals
        from .translations import compile_translations

        connect_signals()
        try:  # keep .mo files in step with .po files; a read-only install keeps its own
            compile_translations()
        except OSError:
            pass
