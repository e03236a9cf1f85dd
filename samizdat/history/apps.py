from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "samizdat.history"
    label = "history"
    verbose_name = _("History and translations")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from samizdat.publishing.panels import register_panel, register_prefetch, register_relation
        from samizdat.publishing.signals import statement_saved, translations_changed

        from . import receivers
        from .models import Revision, SignedVersion, TranslationState

        statement_saved.connect(receivers.statement_saved, dispatch_uid="history-saved")
        translations_changed.connect(
            receivers.translations_changed, dispatch_uid="history-translations"
        )
        # Tags are saved after the statement (the admin's save_related, or code): the latest
        # revision learns them then.
        from samizdat.publishing.models import Statement

        m2m_changed.connect(
            receivers.tags_changed, sender=Statement.tags.through, dispatch_uid="history-tags"
        )
        # What the public page shows from here changes the page: the page cache must know.
        for model in (Revision, SignedVersion, TranslationState):
            uid = f"history-{model.__name__}"
            post_save.connect(receivers.site_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(receivers.site_changed, sender=model, dispatch_uid=f"{uid}-del")
        from django.apps import apps

        if apps.is_installed("samizdat.authenticity"):
            from samizdat.authenticity.models import StatementSignature

            post_save.connect(
                receivers.signature_saved, sender=StatementSignature, dispatch_uid="history-sig"
            )
        if apps.is_installed("samizdat.mirror"):
            from samizdat.mirror import plan

            if hasattr(plan, "STATEMENT_ROUTE_PARAMS"):
                from .signed import mirror_params

                plan.STATEMENT_ROUTE_PARAMS["history:text"] = mirror_params
                plan.STATEMENT_ROUTE_PARAMS["history:signature"] = mirror_params
        if apps.is_installed("samizdat.syndication"):
            from samizdat.syndication import feeds

            from .freshness import feed_categories

            if feed_categories not in feeds.CATEGORY_PROVIDERS:
                feeds.CATEGORY_PROVIDERS.append(feed_categories)
        register_panel("translation-notice", "history/_notice.html", order=5, slot="statement_top")
        register_panel("history", "history/_versions.html", order=110, slot="statement")
        register_relation("translation_state")
        from .templatetags.history import prefetches

        register_prefetch("history", prefetches)

    def demo_setup(self, stdout) -> None:
        """`samizdat demo`: a corrected original whose kk version is now outdated."""
        from .demo import outdate_one

        stdout.write(outdate_one())
