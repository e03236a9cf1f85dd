"""Rate limits on the real Redis cache backend (several app servers share it)."""

import os

import pytest

from samizdat.discussion import spam
from samizdat.discussion.conf import Rate

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_reachable() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:
        return False


@pytest.fixture
def redis_cache(settings):
    if not redis_reachable():
        if os.environ.get("SAMIZDAT_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required (SAMIZDAT_REQUIRE_REDIS=1) but {REDIS_URL} is down")
        pytest.skip(f"no Redis at {REDIS_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"samizdat-test-{os.getpid()}",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


def test_rate_limit_on_redis(redis_cache):
    rate = Rate(2, 60)
    assert [spam.over_rate("client", "r", rate, now=600) for _ in range(4)] == [
        False,
        False,
        True,
        True,
    ]
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    # The counter lives in Redis, with an expiry: another process would see the same count.
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = [k for k in client.keys(f"samizdat-test-{os.getpid()}*") if b"ratelimit:client" in k]
    assert len(keys) == 1 and 60 < client.ttl(keys[0]) <= 125
    assert int(client.get(keys[0])) == 4
