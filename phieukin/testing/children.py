"""Helpers of the tests that start child processes (queue workers, app servers).

A child must reach the test's own database, and the tests that need a Redis skip
without one on a developer's machine but fail in CI (``PHIEUKIN_REQUIRE_BROKER=1``), so
a missing service never passes unnoticed there.

Under pytest-xdist (``make pytest`` runs two workers) each worker gets its own Redis
databases: the tests empty theirs (``flushdb``) and a queue worker takes any message of
its broker database. Worker *i* (``PYTEST_XDIST_WORKER=gw<i>``) uses the number given in
the URL plus ``2 * i`` (modulo 16), so the broker and the cache URLs, two adjacent
numbers, never meet: 9 and 10 become 11 and 12 for gw1; CI's 15 and 14 become 1 and 0.
"""

from __future__ import annotations

import os
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.db import connection


def database_url() -> str:
    """Return a ``DATABASE_URL`` naming the database the running test uses."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    user = quote(str(conf["USER"] or ""), safe="")
    password = quote(str(conf["PASSWORD"] or ""), safe="")
    return f"postgres://{user}:{password}@{conf['HOST']}:{conf['PORT']}/{conf['NAME']}"


def redis_url(variable: str, *, example: str) -> str:
    """Return the Redis URL in the environment *variable*; skip without it, or fail in CI."""
    url = os.environ.get(variable, "")
    if not url:
        if os.environ.get("PHIEUKIN_REQUIRE_BROKER") == "1":
            pytest.fail(f"{variable} is required in CI (a Redis on loopback)")
        pytest.skip(f"no Redis: set {variable}={example}")
    return for_this_worker(url)


def for_this_worker(url: str) -> str:
    """Return *url* with this xdist worker's own database number (unchanged without xdist)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return url
    index = int(worker.removeprefix("gw"))
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(number + 2 * index) % 16}"))
