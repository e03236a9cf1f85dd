from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samizdat.core"
    label = "core"

    def ready(self) -> None:
        from samizdat.languages import install_format_modules

        from .site import connect_signals
        from .translations import compile_translations

        install_format_modules()
        connect_signals()
        from . import mail, periodic

        periodic.register("core.prune-mail-tasks", every=6 * 3600)(mail.prune_finished)
        try:  # keep .mo files in step with .po files; a read-only install keeps its own
            compiled = compile_translations()
        except OSError:
            compiled = 0
        if compiled:
            # Model constraints evaluate lazy messages while models load, before ready(), so the
            # default language's catalogue may already be cached without the fresh .mo files.
            from django.utils.translation import trans_real

            trans_real._translations = {}
            trans_real._default = None
