"""What history does when the lifecycle (or a signature) says something happened."""

from __future__ import annotations


def statement_saved(sender, statement, before=None, actor=None, **kwargs) -> None:
    from . import services

    if statement.is_released and actor is None and not (before and before.is_released):
        _refuse_unreviewed_machine_release(statement)
    services.record(statement, actor, before=before)


def _refuse_unreviewed_machine_release(statement) -> None:
    """A machine-made draft is released only by an editor (never by a command or a job)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .models import TranslationState

    if TranslationState.objects.filter(statement_id=statement.pk, machine_made=True).exists():
        raise ValidationError(
            _("A machine-translated draft is published only by an editor, in the admin.")
        )


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
