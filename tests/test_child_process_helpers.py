"""The helpers of tests that start child processes name the right database and Redis."""

from __future__ import annotations

from typing import Any

import dj_database_url
import pytest
from django.db import connection

from phieukin.testing.children import database_url, for_this_worker, redis_url


@pytest.mark.django_db
def test_the_database_url_of_a_child_names_the_tests_own_database() -> None:
    parsed = dj_database_url.parse(database_url())
    conf = connection.settings_dict
    assert parsed["NAME"] == conf["NAME"]
    if connection.vendor == "postgresql":
        for key in ("USER", "PASSWORD", "HOST"):
            assert parsed[key] == conf[key]
        assert str(parsed["PORT"]) == str(conf["PORT"])


def test_the_redis_url_is_taken_from_the_environment(monkeypatch: Any) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    monkeypatch.setenv("PHIEUKIN_TEST_SOME_REDIS", "redis://127.0.0.1:6379/13")
    assert redis_url("PHIEUKIN_TEST_SOME_REDIS", example="x") == "redis://127.0.0.1:6379/13"


def test_each_xdist_worker_gets_its_own_redis_databases(monkeypatch: Any) -> None:
    monkeypatch.setenv("PHIEUKIN_TEST_SOME_REDIS", "redis://127.0.0.1:6379/9")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    assert redis_url("PHIEUKIN_TEST_SOME_REDIS", example="x") == "redis://127.0.0.1:6379/9"
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert redis_url("PHIEUKIN_TEST_SOME_REDIS", example="x") == "redis://127.0.0.1:6379/11"
    # CI's broker (15) and cache (14): gw1 wraps round to 1 and 0, the password kept.
    assert for_this_worker("redis://:pw@h:1/15") == "redis://:pw@h:1/1"
    assert for_this_worker("redis://:pw@h:1/14") == "redis://:pw@h:1/0"


def test_without_redis_the_test_is_skipped_on_a_developers_machine(monkeypatch: Any) -> None:
    monkeypatch.delenv("PHIEUKIN_TEST_SOME_REDIS", raising=False)
    monkeypatch.delenv("PHIEUKIN_REQUIRE_BROKER", raising=False)
    with pytest.raises(pytest.skip.Exception):
        redis_url("PHIEUKIN_TEST_SOME_REDIS", example="redis://127.0.0.1:6379/13")


def test_without_redis_the_test_fails_in_ci(monkeypatch: Any) -> None:
    monkeypatch.delenv("PHIEUKIN_TEST_SOME_REDIS", raising=False)
    monkeypatch.setenv("PHIEUKIN_REQUIRE_BROKER", "1")
    with pytest.raises(pytest.fail.Exception, match="PHIEUKIN_TEST_SOME_REDIS is required"):
        redis_url("PHIEUKIN_TEST_SOME_REDIS", example="redis://127.0.0.1:6379/13")
