"""Fixtures for the discussion tests: a controllable clock, a clean cache and a word-parsing bot."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from samizdat.core import ratelimit
from samizdat.core.tests.clock import Clock
from samizdat.discussion import captcha

from .bot import Bot


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
    return make_statement(title="О запрете партии", language="ru")


@pytest.fixture
def bot(client, clock) -> Bot:
    return Bot(client, clock)
