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


@pytest.fixture
def verified_login(db):
    """``verified_login(client, user)``: signed in with password and second factor (admin tests)."""
    from samizdat.accounts.testing import verified_login

    return verified_login


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's ``admin_client``, signed in with a second factor too (the admin needs it)."""
    from samizdat.accounts.testing import verified_login

    return verified_login(client, admin_user)


@pytest.fixture(autouse=True)
def _page_cache_local_copies():
    """Each test starts without the page cache's process-local copies of an earlier test."""
    from samizdat.caching import pages

    pages.forget_local()
    yield
    pages.forget_local()
