"""Read and bump content versions (see models.ContentVersion).

A bump runs in the transaction of the change itself, so no reader sees new content under an
old version. Reading costs one primary-key query; it also notices when time alone has
changed the site (a scheduled statement's moment came, comments closed by age) and bumps.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Min, Value
from django.db.models.functions import Greatest

from .models import SITE, ContentVersion, comments_scope


def now() -> int:
    """Unix seconds (tests replace it)."""
    return int(time.time())


def _epoch(value: dt.datetime | None) -> int | None:
    return None if value is None else int(value.timestamp()) + 1


def next_time_change(at: int) -> int | None:
    """When the public site next changes without anybody saving anything, or None."""
    from django.apps import apps

    from samizdat.publishing.models import Statement

    moment = dt.datetime.fromtimestamp(at, tz=dt.UTC)
    visible = Statement.objects.filter(
        status__in=[Statement.Status.PUBLISHED, Statement.Status.SCHEDULED]
    ).order_by()
    upcoming = visible.filter(published_at__gt=moment).aggregate(t=Min("published_at"))["t"]
    candidates = [_epoch(upcoming)]
    days = 0
    if apps.is_installed("samizdat.discussion"):
        from samizdat.discussion import conf

        days = conf.close_after_days()
    if days:
        window = dt.timedelta(days=days)
        oldest_open = visible.filter(published_at__gt=moment - window).aggregate(
            t=Min("published_at")
        )["t"]
        candidates.append(_epoch(oldest_open + window) if oldest_open else None)
    present = [c for c in candidates if c is not None]
    return min(present) if present else None


def bump(*scopes: str) -> None:
    """Count a change in each scope (atomically: concurrent bumps are all counted)."""
    at = now()
    for scope in scopes:
        values = {"version": F("version") + 1, "changed": Greatest(Value(at), F("changed") + 1)}
        extra = {"next_change": next_time_change(at)} if scope == SITE else {}
        if ContentVersion.objects.filter(scope=scope).update(**values, **extra):
            continue
        try:
            with transaction.atomic():
                # A random start: a database created afresh (a new site, a test) never
                # repeats the versions, and so the page-cache keys, of an earlier one.
                start = 1 + secrets.randbelow(2**40)
                ContentVersion.objects.create(scope=scope, version=start, changed=at, **extra)
        except IntegrityError:  # created meanwhile by another process
            ContentVersion.objects.filter(scope=scope).update(**values, **extra)


@dataclass(frozen=True)
class Version:
    version: int = 0
    changed: int = 0

    def token(self) -> str:
        return f"{self.version}.{self.changed}"


@dataclass(frozen=True)
class State:
    """The versions one page depends on."""

    site: Version
    comments: Version | None = None

    @property
    def changed(self) -> int:
        return max(self.site.changed, self.comments.changed if self.comments else 0)

    def token(self) -> str:
        return self.site.token() + (f"/{self.comments.token()}" if self.comments else "")


_checked_schedule = False


def _refresh_schedule() -> None:
    """Once per process: the settings that decide when comments close may have changed."""
    global _checked_schedule
    if not _checked_schedule:
        _checked_schedule = True
        ContentVersion.objects.filter(scope=SITE).update(next_change=next_time_change(now()))


def _fetch(sql: str, scopes: list[str]) -> dict:
    """The versions rows by scope: one plain query, for every page.

    It is a request's first query, so it is where a connection broken since the previous
    request shows (PostgreSQL's health check is skipped while a connection is in steady use:
    samizdat/core/postgresql/base.py). Outside a transaction it is tried once more on a new
    connection."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, scopes)
            return {row[0]: row for row in cursor.fetchall()}
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block or connection.is_usable():
            raise
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(sql, scopes)
            return {row[0]: row for row in cursor.fetchall()}


def read(statement_id: int | None = None) -> State:
    _refresh_schedule()
    scopes = [SITE] + ([comments_scope(statement_id)] if statement_id is not None else [])
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    sql = (
        f"SELECT scope, version, changed, next_change FROM {table} "
        f"WHERE scope IN ({', '.join(['%s'] * len(scopes))})"
    )
    for _attempt in range(2):
        rows = _fetch(sql, scopes)
        site = rows.get(SITE)
        if site and site[3] is not None and now() >= site[3]:
            bump(SITE)  # the scheduled moment has come: pages show something new
            continue
        break
    versions = {scope: Version(row[1], row[2]) for scope, row in rows.items()}
    return State(
        site=versions.get(SITE, Version()),
        comments=versions.get(scopes[1], Version()) if statement_id is not None else None,
    )
