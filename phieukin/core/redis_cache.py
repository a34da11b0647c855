"""Django's Redis cache backend with one Redis client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` on every cache
call; building one fills a table of about 170 response callbacks, which cost a ballot more
CPU than the counters' read itself (a ballot reads the code-entry counters once). A
``redis.Redis`` is safe to share between threads (each command borrows a connection from
the pool), so the client is made once per pool and kept. Everything else is Django's.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    """Keep one ``redis.Redis`` per connection pool instead of one per call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        parent: Any = self  # Django's private helpers, untyped in django-stubs
        index = parent._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = parent._client(connection_pool=parent._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with :class:`RedisCacheClient`."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
