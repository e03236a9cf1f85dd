from django.apps import AppConfig


class MirrorNetworkConfig(AppConfig):
    name = "samizdat.mirror.network"
    label = "mirror_network"
    verbose_name = "Mirror network"

    def ready(self) -> None:
        from samizdat.publishing.panels import register_panel

        register_panel("mirror-list", "mirror_network/_footer.html", order=200, slot="footer")
