"""The Redis cache backend keeps one client per connection pool and behaves as Django's."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from phieukin.core.redis_cache import RedisCache
from phieukin.testing.children import redis_url


def _disconnect(cache: RedisCache) -> None:
    backend: Any = cache
    for pool in backend._cache._pools.values():
        pool.disconnect()


@pytest.fixture
def cache() -> Iterator[RedisCache]:
    url = redis_url("PHIEUKIN_TEST_REDIS_URL", example="redis://127.0.0.1:6379/14")
    made = RedisCache(url, {"KEY_PREFIX": "test-redis-cache"})
    made.clear()
    yield made
    made.clear()
    _disconnect(made)


def _client(cache: RedisCache, *, write: bool = False) -> Any:
    backend: Any = cache  # Django's private client holder, untyped in django-stubs
    return backend._cache.get_client(write=write)


def test_one_client_serves_every_call_and_the_values_round_trip(cache: RedisCache) -> None:
    first = _client(cache, write=True)
    cache.set("tên", {"đợt": "I/2026", "n": 3}, 60)
    cache.set_many({"a": 1, "b": 2}, 60)
    assert cache.get("tên") == {"đợt": "I/2026", "n": 3}
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert cache.incr("a", 5) == 6
    assert cache.add("a", 0) is False
    cache.delete("b")
    assert cache.get("b", "gone") == "gone"
    # Every call above went through the client made for the first one.
    assert _client(cache) is first
    assert _client(cache, write=True) is first


def test_threads_sharing_the_client_count_every_increment(cache: RedisCache) -> None:
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
    _disconnect(cache)
