from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "samizdat.federation"
    label = "federation"
    verbose_name = _("Fediverse")

    def ready(self) -> None:
        from samizdat.core import channels, methods, periodic

        from . import channels as federation_channels
        from . import delivery, inbox, receivers

        receivers.connect()
        channels.register_channel(
            "federation", "federation/channels.html", federation_channels.channel_context, order=20
        )
        periodic.register("federation.recover-stale-deliveries", every=600)(delivery.recover_stale)
        periodic.register("federation.forget-seen-activities", every=3600)(inbox.forget_seen)
        # The inboxes take POST (core.methods answers 405 to any method a view is not listed for).
        methods.VIEW_METHODS["federation:inbox"] = ("POST",)
        methods.VIEW_METHODS["federation:shared-inbox"] = ("POST",)
        # ActivityPub only works on the live site (ids, inboxes): the static mirror leaves it out.
        if apps.is_installed("samizdat.mirror"):
            from samizdat.mirror import plan

            plan.LIVE_ONLY_NAMESPACES.add("federation")
