"""Shared test set-up: PostgreSQL reachability, factories and query counting."""

from __future__ import annotations

import os

import pytest

# The deployment test (root, nginx, a wheel build) runs only in `make test-deploy`.
collect_ignore = [] if os.environ.get("SAMIZDAT_DEPLOY_TEST") == "1" else ["tests/deploy"]


def pytest_report_header(config):
    url = os.environ.get("DATABASE_URL", "")
    return f"database: {'PostgreSQL ' + url if url.startswith('postgres') else 'SQLite (default)'}"


@pytest.fixture
def make_statement(db):
    from samizdat.publishing.tests.factories import make_statement

    return make_statement
