"""The publishing lifecycle: every change of a statement's state goes through these services.

Each service runs in one transaction, validates first (a clear ``ValidationError``, never an
``IntegrityError``), saves, and sends at most one signal from ``publishing.signals`` after the
commit (``transaction.on_commit``); when it fails nothing is saved and nothing is sent. Which
signal follows from the stored state before and the state after:

- not public → public: ``statement_published`` (and ``announced_at`` is set);
- → public at a future time: ``statement_scheduled``;
- public or scheduled → draft: ``statement_unpublished``;
- public or scheduled, still so, something changed: ``statement_revised``;
- a draft edited: nothing (nobody outside the admin can see it).

A scheduled statement becomes visible at its time by the query-time rule
(``Statement.objects.published()``); :func:`announce_due`, a periodic job, then sends
``statement_published`` for it, once (``announced_at`` records it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import signals
from .models import Statement, TranslationGroup

log = logging.getLogger(__name__)
# Fields whose change is not a revision by itself.
BOOKKEEPING = {"id", "body_html", "created_at", "updated_at", "announced_at", "translation_group"}


def _send(signal, **kwargs) -> None:
    transaction.on_commit(partial(signal.send, sender=Statement, **kwargs))


def _stored(statement: Statement) -> Statement | None:
    """The row as committed before this change (locked until the transaction ends)."""
    if statement.pk is None:
        return None
    return Statement.objects.select_for_update().filter(pk=statement.pk).first()


def _changed(before: Statement | None, after: Statement, extra: Iterable[str] = ()) -> frozenset:
    names = {
        f.attname
        for f in Statement._meta.concrete_fields
        if f.attname not in BOOKKEEPING
        and (before is None or getattr(before, f.attname) != getattr(after, f.attname))
    }
    return frozenset(names | set(extra))


def _validate(statement: Statement) -> None:
    """Model validation incl. unique slug per language and one version per language."""
    statement.full_clean()


def _commit(statement: Statement, actor, changed_extra: Iterable[str] = ()) -> Statement:
    """Save ``statement`` and queue the one signal its change of state calls for."""
    before = _stored(statement)
    _validate(statement)
    changed = _changed(before, statement, changed_extra)
    was_public = bool(before and before.is_public)
    was_released = bool(before and before.is_released)
    was_announced = bool(before and before.announced_at)
    now = timezone.now()
    signal, extra = None, {}
    if statement.is_public:
        if not (was_public and was_announced):
            statement.announced_at = statement.announced_at or now
            signal = signals.statement_published
        elif changed:
            signal, extra = signals.statement_revised, {"changed": changed}
    elif statement.is_released:  # scheduled for later
        statement.announced_at = None
        moved = before is None or not was_released or was_public
        if moved or "published_at" in changed:
            signal, extra = signals.statement_scheduled, {"was_public": was_public}
        elif changed:
            signal, extra = signals.statement_revised, {"changed": changed}
    else:
        statement.announced_at = None
        if was_released:
            signal, extra = signals.statement_unpublished, {"was_public": was_public}
    statement.save()
    signals.statement_saved.send(
        sender=Statement, statement=statement, before=before, actor=actor, changed=changed
    )
    if signal is not None:
        _send(signal, statement=statement, actor=actor, **extra)
    return statement


def publish(
    statement: Statement, *, actor=None, at: datetime | None = None, changed: Iterable[str] = ()
) -> Statement:
    """Make ``statement`` public now (or at ``at``, which must not be in the future)."""
    now = timezone.now()
    if at is not None and at > now:
        raise ValidationError({"published_at": _("To publish later, schedule the statement.")})
    with transaction.atomic():
        if at is not None:
            statement.published_at = at
        elif statement.published_at is None or statement.published_at > now:
            statement.published_at = now
        statement.status = Statement.Status.PUBLISHED
        return _commit(statement, actor, changed)


def schedule(
    statement: Statement, at: datetime | None = None, *, actor=None, changed: Iterable[str] = ()
) -> Statement:
    """Make ``statement`` public by itself at ``at`` (default: its publication time)."""
    at = at or statement.published_at
    if at is None or at <= timezone.now():
        raise ValidationError(
            {"published_at": _("A scheduled statement needs a publication time in the future.")}
        )
    with transaction.atomic():
        statement.status = Statement.Status.SCHEDULED
        statement.published_at = at
        return _commit(statement, actor, changed)


def unpublish(statement: Statement, *, actor=None, changed: Iterable[str] = ()) -> Statement:
    """Return ``statement`` to draft: hidden from readers, feeds, search and the sitemap."""
    with transaction.atomic():
        statement.status = Statement.Status.DRAFT
        return _commit(statement, actor, changed)


def revise(statement: Statement, *, actor=None, changed: Iterable[str] = (), **fields) -> Statement:
    """Save edits (given as ``fields`` or made on the instance) without changing its status."""
    if "status" in fields:
        raise ValidationError(_("Use publish, schedule or unpublish to change the status."))
    with transaction.atomic():
        before = _stored(statement)
        for name, value in fields.items():
            setattr(statement, name, value)
        if before is not None and before.status != statement.status:
            raise ValidationError(_("Use publish, schedule or unpublish to change the status."))
        return _commit(statement, actor, changed)


def apply_status(statement: Statement, *, actor=None, changed: Iterable[str] = ()) -> Statement:
    """Save an edited statement through the service its (edited) status asks for (the admin)."""
    future = statement.published_at is not None and statement.published_at > timezone.now()
    if statement.status == Statement.Status.PUBLISHED and not future:
        return publish(statement, actor=actor, at=statement.published_at, changed=changed)
    if statement.status in Statement.RELEASED:  # "published" at a future time is scheduled
        if statement.published_at and statement.published_at <= timezone.now():
            # Scheduled with a past time is public already (the query-time rule).
            with transaction.atomic():
                return _commit(statement, actor, changed)
        return schedule(statement, actor=actor, changed=changed)
    return unpublish(statement, actor=actor, changed=changed)


# --- translations ------------------------------------------------------------------------------


def _members(group_id: int | None, statement: Statement) -> list[Statement]:
    if group_id is None:
        return [statement]
    return list(Statement.objects.select_for_update().filter(translation_group_id=group_id))


def link_translation(statement: Statement, other: Statement, *, actor=None) -> TranslationGroup:
    """Make ``other`` (with any versions it has) a language version of ``statement``."""
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        other = Statement.objects.select_for_update().get(pk=other.pk)
        if statement.pk == other.pk:
            raise ValidationError(_("A statement cannot be a translation of itself."))
        if statement.translation_group_id and (
            statement.translation_group_id == other.translation_group_id
        ):
            return statement.translation_group
        ours = _members(statement.translation_group_id, statement)
        theirs = _members(other.translation_group_id, other)
        taken = {s.language for s in ours}
        clash = next((s for s in theirs if s.language in taken), None)
        if clash is not None:
            raise ValidationError(
                _("“%(title)s” already has a version in this language (%(language)s).")
                % {"title": statement.title, "language": clash.language}
            )
        group = statement.translation_group or other.translation_group
        group = group or TranslationGroup.objects.create()
        members = ours + theirs
        # Each page lists its versions, so each counts as changed (caches, mirror, Last-Modified).
        Statement.objects.filter(pk__in=[s.pk for s in members]).update(
            translation_group=group, updated_at=timezone.now()
        )
        for s in members:
            s.translation_group = group
        emptied = {s.translation_group_id for s in members} - {group.pk, None}
        TranslationGroup.objects.filter(pk__in=emptied, statements__isnull=True).delete()
        _send(signals.translations_changed, statements=members, actor=actor)
        return group


def unlink_translation(statement: Statement, *, actor=None) -> None:
    """Take ``statement`` out of its translation group (a group left with one version goes)."""
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        group_id = statement.translation_group_id
        if group_id is None:
            return
        members = _members(group_id, statement)
        now = timezone.now()
        Statement.objects.filter(pk=statement.pk).update(translation_group=None, updated_at=now)
        rest = [s for s in members if s.pk != statement.pk]
        Statement.objects.filter(pk__in=[s.pk for s in rest]).update(updated_at=now)
        if len(rest) <= 1:
            Statement.objects.filter(translation_group_id=group_id).update(translation_group=None)
            TranslationGroup.objects.filter(pk=group_id).delete()
        _send(signals.translations_changed, statements=members, actor=actor)


# --- the periodic job --------------------------------------------------------------------------


def announce_due(now: datetime | None = None) -> int:
    """Send ``statement_published`` for visible statements nobody has announced yet.

    Each is claimed with a conditional UPDATE, so two workers never announce one twice.
    """
    now = now or timezone.now()
    announced = 0
    for pk in list(Statement.objects.due().order_by("published_at").values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = Statement.objects.due().filter(pk=pk).update(announced_at=now)
            if claimed:
                statement = Statement.objects.select_related("section").get(pk=pk)
                _send(signals.statement_published, statement=statement, actor=None)
                announced += 1
    if announced:
        log.info("announced %d scheduled statements", announced)
    return announced
