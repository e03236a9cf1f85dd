"""Revisions: record (inside the lifecycle's transaction), compare, restore.

Why an own model and not django-reversion or django-simple-history: every change of a statement
already goes through ``publishing.lifecycle``, which locks the stored row and knows the state
before and after. A revision is written there (``statement_saved``, sent inside the transaction),
so it is atomic with the save and numbered under the row lock — which the optimistic locking of
the admin form and the "translated from revision N" links need. simple-history records on
``post_save`` (any save, also the bookkeeping ones, outside the lifecycle's view of before and
after); reversion's ``create_revision`` would wrap the same place but stores serialized rows
keyed by text ids in a generic table, which a translation cannot point at with a foreign key.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from .models import Revision

# Fields a statement revision keeps (tags and the section slug are added by snapshot()).
STATEMENT_FIELDS = [
    "title",
    "slug",
    "language",
    "section_id",
    "issuer",
    "summary",
    "body",
    "lead_image_id",
    "status",
    "published_at",
]
PAGE_FIELDS = ["title", "slug", "language", "body", "order", "is_published"]
# What restore() puts back (status and publication time stay as they are now).
TEXT_FIELDS = ["title", "issuer", "summary", "body"]
RESTORED = ["title", "slug", "issuer", "summary", "body", "section_id", "lead_image_id"]


@dataclass
class Context:
    note: str = ""
    is_correction: bool = False
    created: list | None = None


_context: contextvars.ContextVar[Context | None] = contextvars.ContextVar(
    "history_context", default=None
)


@contextmanager
def revision_context(note: str = "", is_correction: bool = False):
    """The change note and correction flag for the revisions saved inside the block."""
    ctx = Context(note=note[:300], is_correction=is_correction, created=[])
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


def _value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def snapshot(obj, tags: list[str] | None = None) -> dict:
    """The fields a revision keeps, as JSON."""
    from samizdat.publishing.models import Statement

    if isinstance(obj, Statement):
        data = {name: _value(getattr(obj, name)) for name in STATEMENT_FIELDS}
        data["section"] = obj.section.slug if obj.section_id else ""
        if tags is None:
            tags = sorted(obj.tags.values_list("slug", flat=True)) if obj.pk else []
        data["tags"] = sorted(tags)
        return data
    return {name: _value(getattr(obj, name)) for name in PAGE_FIELDS}


def _owner(obj) -> dict:
    from samizdat.publishing.models import Statement

    return {"statement": obj} if isinstance(obj, Statement) else {"page": obj}


def revisions_of(obj):
    return Revision.objects.filter(**_owner(obj))


def latest_number(obj) -> int:
    if obj.pk is None:
        return 0
    return revisions_of(obj).aggregate(n=Max("number"))["n"] or 0


def latest(obj) -> Revision | None:
    if obj.pk is None:
        return None
    return revisions_of(obj).order_by("-number").first()


def _public(obj) -> bool:
    return bool(getattr(obj, "is_public", getattr(obj, "is_published", False)))


def record(obj, actor=None, before=None, force: bool = False) -> Revision | None:
    """Store a revision of ``obj`` when its snapshot differs from the latest one."""
    ctx = _context.get()
    data = snapshot(obj)
    last = latest(obj)
    if last is None and before is not None:
        # History starts here: keep the state before the first recorded change as #1.
        base = snapshot(before, tags=data.get("tags") if "tags" in data else None)
        if base != data:
            last = Revision.objects.create(
                **_owner(obj),
                number=1,
                note=_("State before history was recorded"),
                public=_public(before),
                text_changed=True,
                data=base,
            )
    if last is not None and last.data == data and not force:
        return None
    author = actor if getattr(actor, "pk", None) else None
    revision = Revision.objects.create(
        **_owner(obj),
        number=(last.number if last else 0) + 1,
        author=author,
        note=ctx.note if ctx else "",
        is_correction=bool(ctx and ctx.is_correction),
        public=_public(obj),
        text_changed=last is None
        or any(last.data.get(name) != data.get(name) for name in TEXT_FIELDS),
        data=data,
    )
    if ctx is not None:
        ctx.created.append(revision)
    if revision.text_changed and revision.statement_id and revision.number > 1:
        from .freshness import touch_translations

        touch_translations(obj)
    return revision


def sync_tags(statement, actor=None) -> None:
    """After the admin saved the tags (after the statement): bring the revision up to date."""
    data = snapshot(statement)
    last = latest(statement)
    if last is None or last.data == data:
        return
    ctx = _context.get()
    if ctx is not None and any(r.pk == last.pk for r in ctx.created):
        Revision.objects.filter(pk=last.pk).update(data=data)
    else:
        record(statement, actor)


class RestoreError(ValidationError):
    pass


def restore(obj, revision: Revision, actor=None):
    """Put ``revision``'s text and metadata back as a new revision; the current data stays when
    something it needs (its section, its image) no longer exists."""
    from samizdat.publishing import lifecycle
    from samizdat.publishing.models import Image, Page, Section, Statement, Tag

    owner = revision.page_id if isinstance(obj, Page) else revision.statement_id
    if owner != obj.pk:
        raise RestoreError(_("This revision belongs to another statement."))
    data = revision.data
    note = _("Restored revision %(number)s") % {"number": revision.number}
    if isinstance(obj, Page):
        with transaction.atomic(), revision_context(note):
            for name in ("title", "slug", "body"):
                setattr(obj, name, data.get(name, getattr(obj, name)))
            obj.full_clean()
            obj.save()
            return record(obj, actor, force=True)
    assert isinstance(obj, Statement)
    if not Section.objects.filter(pk=data.get("section_id")).exists():
        raise RestoreError(
            _(
                "Revision %(number)s cannot be restored: its section “%(section)s” was deleted. "
                "Nothing was changed."
            )
            % {"number": revision.number, "section": data.get("section", "")}
        )
    image = data.get("lead_image_id")
    if image and not Image.objects.filter(pk=image).exists():
        raise RestoreError(
            _(
                "Revision %(number)s cannot be restored: its lead image was deleted. "
                "Nothing was changed."
            )
            % {"number": revision.number}
        )
    fields = {name: data[name] for name in RESTORED if name in data}
    with transaction.atomic(), revision_context(note):
        lifecycle.revise(obj, actor=actor, changed=["restored"], **fields)
        tags = list(Tag.objects.filter(slug__in=data.get("tags", [])))
        obj.tags.set(tags)
        sync_tags(obj, actor)
        return latest(obj)
