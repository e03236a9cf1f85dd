"""The PostgreSQL backend: no health-check round trip for a connection in steady use, and a
connection broken since the last request does not fail a public page."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_base

from samizdat.caching import versions
from samizdat.core.postgresql import base as backend

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the PG backend")


def _count_pings(monkeypatch) -> list[int]:
    pings = []
    real = django_base.DatabaseWrapper.is_usable

    def counted(self):
        pings.append(1)
        return real(self)

    monkeypatch.setattr(django_base.DatabaseWrapper, "is_usable", counted)
    return pings


@pytest.mark.django_db
def test_the_engine_is_ours():
    assert connection.settings_dict["ENGINE"] == "samizdat.core.postgresql"
    assert isinstance(connections["default"], backend.DatabaseWrapper)


@pytest.mark.django_db
def test_a_connection_in_steady_use_is_checked_only_after_being_idle(monkeypatch):
    db = connections["default"]
    db.ensure_connection()
    db._last_checked = float("-inf")
    pings = _count_pings(monkeypatch)
    assert db.is_usable() and len(pings) == 1  # idle since ever: SELECT 1
    assert db.is_usable() and db.is_usable() and len(pings) == 1  # in steady use: none
    db.errors_occurred = True  # Django asks after an error: always the server
    try:
        assert db.is_usable() and len(pings) == 2
    finally:
        db.errors_occurred = False
    monkeypatch.setattr(backend, "IDLE_CHECK", 0.0)
    assert db.is_usable() and len(pings) == 3


@pytest.mark.django_db
def test_a_closed_connection_is_not_usable_without_asking_the_server(monkeypatch):
    db = connections["default"]
    db.ensure_connection()
    pings = _count_pings(monkeypatch)
    raw = db.connection
    try:
        raw.close()
        assert db.is_usable() is False and pings == []
    finally:
        db.connection = None  # Django reconnects on the next query


def _terminate(pid: int) -> None:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_the_versions_read_survives_a_connection_the_server_closed():
    versions.read()
    pid = connection.connection.info.backend_pid
    _terminate(pid)
    state = versions.read()  # the broken connection is replaced, the read tried again
    assert state.site is not None
    assert connection.connection.info.backend_pid != pid
