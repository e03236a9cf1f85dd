from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "samizdat.newsletter"
    label = "newsletter"
    verbose_name = _("Newsletter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.apps import apps

        from samizdat.core import channels, periodic
        from samizdat.publishing.panels import register_head, register_panel

        from . import conf, sending, subscriptions
        from .channels import channel_context

        if apps.is_installed("samizdat.discussion"):  # the forms use its word captcha
            register_panel("newsletter", "newsletter/_footer.html", order=200, slot="footer")
            register_head("newsletter", "newsletter/_head.html", order=200)
        periodic.register("newsletter.forget-unconfirmed", every=3600)(
            subscriptions.forget_unconfirmed
        )
        periodic.register("newsletter.resume", every=conf.RESUME_EVERY)(sending.resume_stale)
        periodic.register("newsletter.prune", every=24 * 3600)(sending.prune_old_deliveries)
        channels.register_channel(
            "newsletter", "newsletter/channels.html", channel_context, order=10
        )
