"""Translation freshness: which version is the original, and which translations fell behind.

A translation records the original's revision it was made or last checked from
(``TranslationState.source_revision``); it is *outdated* when the original has a later revision
that changed its text (``Revision.text_changed``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samizdat import languages
from samizdat.publishing.models import Statement
from samizdat.publishing.panels import loaded_relation

from .models import Revision, TranslationState

ORIGINAL, CURRENT, OUTDATED, UNKNOWN, MISSING = (
    "original",
    "current",
    "outdated",
    "unknown",
    "missing",
)


@dataclass
class Member:
    pk: int
    language: str
    title: str
    status: str
    is_original: bool
    source: int | None  # revision number of the original it was made from
    source_of: int | None  # the statement that revision belongs to
    latest_text: int | None  # the latest text-changing revision of this statement
    machine_made: bool
    reviewed: bool
    section_slug: str
    slug: str
    public: bool
    state: str = UNKNOWN

    def url(self) -> str:
        from django.urls import reverse
        from django.utils.translation import override

        with override(self.language):
            return reverse(
                "publishing:statement", kwargs={"section": self.section_slug, "slug": self.slug}
            )


def _rows(query: Q) -> list[Member]:
    now = timezone.now()
    rows = (
        Statement.objects.filter(query)
        .annotate(
            latest_text=Max("revisions__number", filter=Q(revisions__text_changed=True)),
        )
        .values_list(
            "pk",
            "language",
            "title",
            "status",
            "translation_state__is_original",
            "translation_state__source_revision__number",
            "translation_state__source_revision__statement_id",
            "latest_text",
            "translation_state__machine_made",
            "translation_state__reviewed",
            "section__slug",
            "slug",
            "published_at",
            "translation_group_id",
            "created_at",
        )
        .order_by("created_at", "pk")
    )
    members = []
    for row in rows:
        *head, published_at, group, _created = row
        public = head[3] in Statement.RELEASED and published_at is not None and published_at <= now
        m = Member(
            *head[:4], bool(head[4]), *head[5:8], bool(head[8]), bool(head[9]), *head[10:12], public
        )
        m.group = group
        members.append(m)
    return members


def classify(members: list[Member]) -> Member | None:
    """Set each member's ``state``; return the original (marked, or the first made)."""
    if not members:
        return None
    original = next((m for m in members if m.is_original), members[0])
    for m in members:
        if m is original:
            m.state = ORIGINAL
        elif m.source is None or m.source_of != original.pk:
            m.state = UNKNOWN if m.source is None else OUTDATED
        elif (original.latest_text or 0) > m.source:
            m.state = OUTDATED
        else:
            m.state = CURRENT
    return original


def group_of(statement: Statement) -> list[Member]:
    """One query: the statement's language versions (itself alone when it has none)."""
    query = Q(pk=statement.pk)
    if statement.translation_group_id:
        query |= Q(translation_group_id=statement.translation_group_id)
    return _rows(query)


def notice(statement: Statement) -> dict:
    """What the public page says about its own version: outdated, machine-made.

    Only a version with a recorded source revision can be outdated, and only an unreviewed
    machine translation shows a notice anyway (linking to the original): for any other the
    statement's own state says all. (Its ``is_original`` flag is not enough: after two groups
    are merged, two versions carry it and only the group knows which one counts.) That costs
    no query when the page loaded the state with the statement (``register_relation``), else
    one small one instead of the group's (docs/performance.md, "The statement page's miss")."""
    own = loaded_relation(statement, "translation_state", False)
    if own is False:  # not loaded with the statement
        own = TranslationState.objects.filter(statement_id=statement.pk).first()
    if own is None or (
        own.source_revision_id is None and not (own.machine_made and not own.reviewed)
    ):
        reviewed = bool(own and own.machine_made and own.reviewed)
        return {"outdated": False, "machine": False, "reviewed": reviewed, "original": None}
    return notice_from_group(statement)


def notice_from_group(statement: Statement) -> dict:
    """:func:`notice` from the whole group's states (one query, whatever the version)."""
    members = group_of(statement)
    original = classify(members)
    me = next((m for m in members if m.pk == statement.pk), None)
    if me is None:
        return {}
    return {
        "me": me,
        "original": original if original is not None and original.public else None,
        "outdated": me.state == OUTDATED,
        "machine": me.machine_made and not me.reviewed,
        "reviewed": me.machine_made and me.reviewed,
    }


def states_for(statements) -> dict[int, Member]:
    """Batch form for feeds: statement pk → its Member (with ``state``), in one query."""
    pks = [s.pk for s in statements]
    groups = {s.translation_group_id for s in statements if s.translation_group_id}
    if not pks:
        return {}
    members = _rows(Q(pk__in=pks) | Q(translation_group_id__in=groups))
    by_group: dict = {}
    for m in members:
        by_group.setdefault(m.group or -m.pk, []).append(m)
    for group in by_group.values():
        classify(group)
    return {m.pk: m for m in members if m.pk in set(pks)}


def feed_categories(statements) -> dict[int, list[str]]:
    """Feed categories (in the active language) for outdated and machine-made versions."""
    found: dict[int, list[str]] = {}
    for pk, m in states_for(statements).items():
        labels = []
        if m.state == OUTDATED:
            labels.append(_("outdated translation"))
        if m.machine_made and not m.reviewed:
            labels.append(_("machine translation"))
        if labels:
            found[pk] = labels
    return found


def touch_translations(original: Statement) -> None:
    """The original's text changed: its translations' pages now say they are outdated, so
    they count as changed (sitemap lastmod, feeds' updated, mirror, HTTP validators)."""
    if not original.translation_group_id:
        return
    members = group_of(original)
    first = classify(members)
    if first is None or first.pk != original.pk:
        return
    Statement.objects.filter(translation_group_id=original.translation_group_id).exclude(
        pk=original.pk
    ).update(updated_at=timezone.now())


def state_of(statement: Statement) -> str:
    members = group_of(statement)
    classify(members)
    return next((m.state for m in members if m.pk == statement.pk), UNKNOWN)


def table(language: str | None = None, state: str | None = None) -> list[dict]:
    """The admin's status table: one row per original, one cell per language."""
    members = _rows(Q(translation_group__isnull=False))
    groups: dict[int, list[Member]] = {}
    for m in members:
        groups.setdefault(m.group, []).append(m)
    rows = []
    for group in groups.values():
        original = classify(group)
        by_language = {m.language: m for m in group}
        cells = []
        for code in languages.codes():
            m = by_language.get(code)
            cells.append({"language": code, "member": m, "state": m.state if m else MISSING})
        if language:
            wanted = [c for c in cells if c["language"] == language]
        else:
            wanted = [c for c in cells if c["state"] != ORIGINAL]
        if state and not any(c["state"] == state for c in wanted):
            continue
        rows.append({"original": original, "cells": cells})
    return rows


def _state(statement: Statement) -> TranslationState:
    state, _created = TranslationState.objects.get_or_create(statement=statement)
    return state


def _original_statement(members: list[Member]) -> Statement | None:
    original = classify(members)
    return None if original is None else Statement.objects.get(pk=original.pk)


def groups_changed(statements) -> None:
    """After link/unlink: every new translation counts as made from the original's latest."""
    from . import services

    groups = {s.translation_group_id for s in statements if s.translation_group_id}
    for group in groups:
        members = _rows(Q(translation_group_id=group))
        original = _original_statement(members)
        if original is None:
            continue
        latest = services.latest(original)
        for m in members:
            if m.pk != original.pk and m.source is None and latest is not None:
                TranslationState.objects.update_or_create(
                    statement_id=m.pk, defaults={"source_revision": latest}
                )


def mark_checked(statement: Statement, revision: Revision | None = None) -> TranslationState:
    """The translation was updated (or checked) against ``revision`` of the original
    (default: its latest)."""
    from . import services

    with transaction.atomic():
        original = _original_statement(group_of(statement))
        if original is None or original.pk == statement.pk:
            raise ValidationError(_("This is the original; only translations can be checked."))
        revision = revision or services.latest(original)
        if revision is None:
            raise ValidationError(_("The original has no revisions yet."))
        if revision.statement_id != original.pk:
            raise ValidationError(
                _("Revision %(number)s belongs to another statement, not to this original.")
                % {"number": revision.number}
            )
        state = _state(statement)
        state.source_revision = revision
        state.checked_at = timezone.now()
        state.save()
        # The page no longer says "outdated": it changed.
        Statement.objects.filter(pk=statement.pk).update(updated_at=timezone.now())
        return state


def set_original(statement: Statement) -> None:
    """Make ``statement`` the original of its translation group."""
    with transaction.atomic():
        if statement.translation_group_id:
            TranslationState.objects.filter(
                statement__translation_group_id=statement.translation_group_id
            ).exclude(statement=statement).update(is_original=False)
        state = _state(statement)
        state.is_original = True
        state.save()


def changes_since(statement: Statement):
    """(source revision, latest revision of the original, field changes) for the editor."""
    from . import diff, services

    state = TranslationState.objects.filter(statement=statement).first()
    original = _original_statement(group_of(statement))
    if state is None or state.source_revision is None or original is None:
        return None, None, []
    latest = services.latest(original)
    old = {k: state.source_revision.data.get(k) for k in services.TEXT_FIELDS}
    new = {k: latest.data.get(k) for k in services.TEXT_FIELDS}
    return state.source_revision, latest, diff.compare(old, new)
