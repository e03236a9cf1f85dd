from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "samizdat.discussion"
    label = "discussion"
    verbose_name = _("Discussion")

    def ready(self) -> None:
        from django.contrib import admin

        from samizdat.core import periodic
        from samizdat.publishing.panels import register_panel, register_prefetch, register_relation

        from . import notifications  # registers the mail builders the worker needs

        register_panel("comments", "discussion/_comments.html", order=100, slot="statement_after")
        register_relation("comment_policy")
        from .templatetags.discussion import prefetches

        register_prefetch("discussion", prefetches)
        periodic.register("discussion.forget-unconfirmed", every=3600)(
            notifications.forget_unconfirmed
        )

        # The admin index shows the moderation queue (unless another app set its own index).
        if admin.site.index_template is None:
            admin.site.index_template = "discussion/admin/index.html"

    def demo_setup(self, stdout) -> None:
        from .demo import load_demo_comments

        stdout.write(load_demo_comments())
