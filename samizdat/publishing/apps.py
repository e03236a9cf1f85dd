from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "samizdat.publishing"
    label = "publishing"

    def ready(self) -> None:
        from samizdat.core import periodic

        from .lifecycle import announce_due

        # Scheduled statements are visible at their time by the query-time rule; this tells
        # the listeners (search, mirror, …) that they now are.
        periodic.register("publishing.announce-due", every=60)(announce_due)
