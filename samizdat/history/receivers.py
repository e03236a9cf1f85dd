"""What history does when the lifecycle (or a signature) says something happened."""

from __future__ import annotations


def statement_saved(sender, statement, before=None, actor=None, **kwargs) -> None:
    from . import services

    services.record(statement, actor, before=before)


def tags_changed(sender, instance, action, reverse=False, **kwargs) -> None:
    from samizdat.publishing.models import Statement

    from . import services

    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Statement):
        services.sync_tags(instance)


def translations_changed(sender, statements, actor=None, **kwargs) -> None:
    from . import freshness

    freshness.groups_changed(statements)


def signature_saved(sender, instance, **kwargs) -> None:
    from . import signed

    signed.capture(instance)


def site_changed(sender, **kwargs) -> None:
    from django.apps import apps

    if apps.is_installed("samizdat.caching"):
        from samizdat.caching.models import SITE
        from samizdat.caching.versions import bump

        bump(SITE)
