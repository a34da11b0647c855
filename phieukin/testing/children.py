"""Helpers of the tests that start child processes (queue workers, app servers).

A child must reach the test's own database, and the tests that need a Redis skip
without one on a developer's machine but fail in CI (``PHIEUKIN_REQUIRE_BROKER=1``), so
a missing service never passes unnoticed there.
"""

from __future__ import annotations

import os
from urllib.parse import quote

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
    return url
