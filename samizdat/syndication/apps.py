from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "samizdat.syndication"
    label = "syndication"

    def ready(self) -> None:
        from samizdat.publishing.panels import register_head

        register_head("page-head", "syndication/_head.html", order=100)
