"""The API keeps its contract under generated requests (schemathesis, bounded run).

Every operation of ``/api/v1/openapi.json`` is called with generated data, without a
token and with a district organiser's token: no answer is a server error, and every
status, content type and body is the one the document declares (errors included,
``{"detail", "code"}``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from phieukin.accounts.models import User
from phieukin.api.auth import create_api_token
from phieukin.config.wsgi import application
from phieukin.rounds.models import BallotBox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_connection_across_requests(db: Any) -> Iterator[None]:
    """Keep the test's connection (and its transaction) open across WSGI requests.

    Django's test client does the same; schemathesis calls the WSGI application itself.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Loaded at collection: the document is built from the routes, without the database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def token(district_organiser: User, box: BallotBox) -> str:
    return create_api_token(user=district_organiser, name="schemathesis")


# Schema-valid data may still break a rule of the domain (an unknown code, a box not yet
# sealed) and is then refused with a documented 4xx: not a contract violation.
BUSINESS_RULES = [positive_data_acceptance]
BOUNDED = settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@schema.parametrize()
@BOUNDED
def test_the_api_answers_anyone_as_its_document_says(case: Any, box: BallotBox) -> None:
    case.call_and_validate(excluded_checks=BUSINESS_RULES)


@schema.parametrize()
@BOUNDED
def test_the_api_answers_a_token_holder_as_its_document_says(case: Any, token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, excluded_checks=BUSINESS_RULES
    )
