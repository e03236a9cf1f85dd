"""Fixtures: a controllable clock, a clean cache, a published statement, the signing key."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from samizdat.authenticity.tests.conftest import (  # noqa: F401 (fixtures)
    key_dir,
    run_minisign,
    sign,
    site_key,
    stock_minisign,
)
from samizdat.core import ratelimit
from samizdat.core.tests.clock import Clock
from samizdat.discussion import captcha


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(captcha, "now", c)
    monkeypatch.setattr(ratelimit, "clock", c)
    return c


@pytest.fixture
def statement(make_statement):
    return make_statement(title="Заявление о выборах", language="ru", body="Текст **заявления**.")


def confirmed(email: str, language: str = "ru"):
    from django.utils import timezone

    from samizdat.newsletter.models import Subscriber

    return Subscriber.objects.create(email=email, language=language, confirmed_at=timezone.now())
