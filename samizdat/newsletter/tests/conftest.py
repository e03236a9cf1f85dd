"""Fixtures: a controllable clock, a clean cache, a published statement, the signing key."""

from __future__ import annotations

import pytest

from samizdat.authenticity.tests.conftest import (  # noqa: F401 (fixtures)
    key_dir,
    run_minisign,
    sign,
    site_key,
    stock_minisign,
)
from samizdat.discussion.tests.conftest import _clean_cache, clock  # noqa: F401 (fixtures)


@pytest.fixture
def statement(make_statement):
    return make_statement(title="Заявление о выборах", language="ru", body="Текст **заявления**.")


def confirmed(email: str, language: str = "ru"):
    from django.utils import timezone

    from samizdat.newsletter.models import Subscriber

    return Subscriber.objects.create(email=email, language=language, confirmed_at=timezone.now())
