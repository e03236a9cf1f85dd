"""Which saves change which pages: every model a public page shows bumps a content version.

Comments and a statement's comment settings bump only that statement's ``comments:<id>``
scope; everything else bumps ``site`` (navigation, listings, feeds and sitemaps all show it).
Bulk ``QuerySet.update()`` sends no model signal: code that changes public content that way
sends a lifecycle signal (``publishing.signals.translations_changed``) or calls
:func:`samizdat.caching.versions.bump` itself.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from .models import SITE, comments_scope
from .versions import bump


def site_changed(sender, action: str = "post_", **kwargs) -> None:
    if action.startswith("post_"):  # m2m_changed also sends pre_add, pre_remove …
        bump(SITE)


def discussion_changed(sender, instance, **kwargs) -> None:
    bump(comments_scope(instance.statement_id))


def _shown(comment) -> bool | None:
    """Is this comment on the public page? None when its status was not loaded."""
    from samizdat.discussion.models import Comment

    status = comment.__dict__.get("status")  # never load a deferred field here
    return None if status is None else status == Comment.Status.APPROVED


def remember_comment(sender, instance, **kwargs) -> None:
    instance._caching_was_shown = _shown(instance) if instance.pk else False


def comment_changed(sender, instance, **kwargs) -> None:
    """Only a comment that is or was on the page changes it: held and spam comments, however
    many a flood brings, leave every cached copy valid."""
    was = getattr(instance, "_caching_was_shown", None)
    if _shown(instance) is not False or was is not False:
        bump(comments_scope(instance.statement_id))
    instance._caching_was_shown = _shown(instance)


def settings_changed(setting: str, **kwargs) -> None:
    """override_settings (tests): the fingerprint of the settings pages show is recomputed."""
    from . import validators

    if setting in validators.RENDER_SETTINGS or setting in ("PAGE_CACHE", "LANGUAGE_CODE"):
        validators.build.cache_clear()
    if setting in ("SIGNING_KEY_DIR", "INSTALLED_APPS"):
        validators._key_file.cache_clear()


def connect() -> None:
    from django.apps import apps
    from django.test.signals import setting_changed

    setting_changed.connect(settings_changed, dispatch_uid="caching-settings")

    from samizdat.publishing.models import Image, Page, Section, Statement, Tag, TranslationGroup
    from samizdat.publishing.signals import translations_changed

    models = [Statement, Section, Tag, Page, Image, TranslationGroup]
    if apps.is_installed("samizdat.authenticity"):
        from samizdat.authenticity.models import StatementSignature

        models.append(StatementSignature)
    for model in models:
        uid = f"caching-{model.__name__}"
        post_save.connect(site_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(site_changed, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(site_changed, sender=Statement.tags.through, dispatch_uid="caching-tags")
    # link/unlink_translation are bulk updates (no post_save); the lifecycle says so after commit.
    translations_changed.connect(site_changed, dispatch_uid="caching-translations-changed")
    if not apps.is_installed("samizdat.discussion"):
        return
    from samizdat.discussion.models import Comment, CommentPolicy

    post_save.connect(discussion_changed, sender=CommentPolicy, dispatch_uid="caching-cp-save")
    post_delete.connect(discussion_changed, sender=CommentPolicy, dispatch_uid="caching-cp-del")
    post_init.connect(remember_comment, sender=Comment, dispatch_uid="caching-comment-init")
    post_save.connect(comment_changed, sender=Comment, dispatch_uid="caching-comment-save")
    post_delete.connect(comment_changed, sender=Comment, dispatch_uid="caching-comment-delete")
