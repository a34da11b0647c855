"""The Redis cache backend keeps one client per connection pool and behaves as Django's."""

from __future__ import annotations

import threading

import pytest

from phieukin.core.redis_cache import RedisCache
from phieukin.testing.children import redis_url


def _cache() -> RedisCache:
    url = redis_url("PHIEUKIN_TEST_REDIS_URL", example="redis://127.0.0.1:6379/14")
    cache = RedisCache(url, {"KEY_PREFIX": "test-redis-cache"})
    cache.clear()
    return cache


def test_one_client_serves_every_call_and_the_values_round_trip() -> None:
    cache = _cache()
    first = cache._cache.get_client(write=True)
    cache.set("tên", {"đợt": "I/2026", "n": 3}, 60)
    cache.set_many({"a": 1, "b": 2}, 60)
    assert cache.get("tên") == {"đợt": "I/2026", "n": 3}
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert cache.incr("a", 5) == 6
    assert cache.add("a", 0) is False
    cache.delete("b")
    assert cache.get("b", "gone") == "gone"
    # Every call above went through the client made for the first one.
    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first


def test_threads_sharing_the_client_count_every_increment() -> None:
    cache = _cache()
    cache.set("counter", 0, 60)

    def bump() -> None:
        for _ in range(200):
            cache.incr("counter")

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("counter") == 1600


def test_an_unreachable_redis_still_raises_as_django_does() -> None:
    cache = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    import redis

    with pytest.raises(redis.exceptions.ConnectionError):
        cache.get("x")
