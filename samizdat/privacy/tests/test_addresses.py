"""Day keys: random, one per UTC day, gone when the day is over; the hourly job does the rest."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone

from samizdat.core import periodic
from samizdat.discussion.models import Comment
from samizdat.privacy import addresses, jobs
from samizdat.privacy.models import AddressKey

pytestmark = pytest.mark.django_db


def test_a_day_key_is_random_and_stored_once():
    day = dt.date(2026, 12, 1)
    first = addresses.key_for(day)
    assert len(first) == 32 and AddressKey.objects.get(day=day).key == first.hex()
    assert addresses.key_for(day) == first
    AddressKey.objects.all().delete()
    addresses._keys.clear()
    assert addresses.key_for(day) != first  # a new random key, not a derivation


def test_past_keys_are_destroyed_and_their_hashes_stay_opaque():
    yesterday, today = dt.date(2026, 11, 30), dt.date(2026, 12, 1)
    old_hash = addresses.address_hash("203.0.113.7", yesterday)
    addresses.key_for(today)
    noon = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    assert addresses.destroy_old_keys(noon) == 1
    assert list(AddressKey.objects.values_list("day", flat=True)) == [today]
    assert addresses.address_hash("203.0.113.7", today) != old_hash


def test_the_hourly_job_is_registered_and_erases_old_hashes(make_statement):
    assert any(
        job.name == "privacy.forget-addresses" and job.every == 3600 for job in periodic.jobs()
    )
    statement = make_statement()
    old = Comment.objects.create(
        statement=statement,
        language="ru",
        name="A",
        text="t",
        ip_hash="a" * 64,
        created_at=timezone.now() - timedelta(days=40),
    )
    recent = Comment.objects.create(
        statement=statement, language="ru", name="B", text="t", ip_hash="b" * 64
    )
    AddressKey.objects.create(day=dt.date(2020, 1, 1), key="00" * 32)
    jobs.forget_addresses()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_hash == "" and recent.ip_hash == "b" * 64
    assert not AddressKey.objects.filter(day=dt.date(2020, 1, 1)).exists()


def test_expired_file_cache_entries_are_dropped(settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    cache = caches["default"]
    cache.set("ratelimit:client:abc:600:1", 3, 1)
    cache.set("kept", 1, 3600)
    files = list((tmp_path / "cache").iterdir())
    assert len(files) == 2
    import time

    time.sleep(1.1)
    assert jobs.drop_expired_cache_files() == 1
    assert len(list((tmp_path / "cache").iterdir())) == 1
