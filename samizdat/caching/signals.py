"""Which saves change which pages: every model a public page shows bumps a content version.

Comments and a statement's comment settings bump only that statement's ``comments:<id>``
scope; everything else bumps ``site`` (navigation, listings, feeds and sitemaps all show it).
Bulk ``QuerySet.update()`` sends no signal: code that changes public content that way calls
:func:`samizdat.caching.versions.bump` itself (e.g. ``Statement.link_translation``).
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import SITE, comments_scope
from .versions import bump


def site_changed(sender, action: str = "post_", **kwargs) -> None:
    if action.startswith("post_"):  # m2m_changed also sends pre_add, pre_remove …
        bump(SITE)


def discussion_changed(sender, instance, **kwargs) -> None:
    bump(comments_scope(instance.statement_id))


def connect() -> None:
    from samizdat.authenticity.models import StatementSignature
    from samizdat.discussion.models import Comment, CommentPolicy
    from samizdat.publishing.models import (
        Image,
        Page,
        Section,
        Statement,
        Tag,
        TranslationGroup,
        translation_linked,
    )

    for model in (Statement, Section, Tag, Page, Image, TranslationGroup, StatementSignature):
        uid = f"caching-{model.__name__}"
        post_save.connect(site_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(site_changed, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(site_changed, sender=Statement.tags.through, dispatch_uid="caching-tags")
    translation_linked.connect(site_changed, dispatch_uid="caching-translation-linked")
    for model in (Comment, CommentPolicy):
        uid = f"caching-{model.__name__}"
        post_save.connect(discussion_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(discussion_changed, sender=model, dispatch_uid=f"{uid}-delete")
