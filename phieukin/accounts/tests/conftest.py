"""Fixtures for the round page tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def as_persona(request: Any, db: Any) -> Any:
    """Return a function that gives a client signed in as the named persona fixture."""

    def login(name: str) -> Client:
        client = Client()
        client.force_login(request.getfixturevalue(name))
        return client

    return login
