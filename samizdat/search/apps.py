from django.apps import AppConfig
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def fill_index(sender, using: str = "default", **kwargs) -> None:
    """After ``migrate``: index statements that have no entry yet (cheap when none)."""
    from .indexing import index_missing

    if using != "default":
        return
    applied = MigrationRecorder(connections[using]).applied_migrations()
    if ("search", "0002_index_structures") not in applied:
        return
    index_missing()


class SearchConfig(AppConfig):
    name = "samizdat.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from samizdat.publishing.panels import register_panel

        from . import signals

        signals.connect()
        register_panel("search-form", "search/_header_form.html", order=100, slot="header")
        post_migrate.connect(fill_index, sender=self, dispatch_uid="search-fill-index")
