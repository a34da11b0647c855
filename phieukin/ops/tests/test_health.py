"""The health endpoint answers for the database and the cache, and says nothing more."""

from typing import Any
from unittest import mock

import pytest


@pytest.mark.django_db
def test_a_healthy_server_answers_200(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_broken_cache_answers_503_without_details(client: Any) -> None:
    with mock.patch("phieukin.ops.views.cache.set", side_effect=ConnectionError("redis:6379")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}
    assert b"redis" not in response.content
