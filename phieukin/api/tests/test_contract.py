"""Every API error is ``{"detail", "code"}``; the content type is enforced; numbers are
bounded; the OpenAPI document lists the statuses the routes answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from phieukin.accounts.models import User
from phieukin.api.auth import create_api_token
from phieukin.rounds.models import BallotBox

pytestmark = pytest.mark.django_db


def error_of(response: Any) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"detail", "code"}, body
    assert response["Content-Type"].startswith("application/json")
    return body


def test_an_unknown_box_answers_404_with_a_code(client: Client) -> None:
    response = client.get("/api/v1/boxes/987654321")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_missing_token_answers_401_with_a_code(client: Client, box: BallotBox) -> None:
    response = client.get(f"/api/v1/admin/boxes/{box.pk}")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


@pytest.mark.parametrize("kind", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_json_sent_under_another_content_type_is_refused_with_415(
    client: Client, kind: str
) -> None:
    body = json.dumps({"code": "ABCD-EFGH-JKMN", "sheets": []})
    response = client.post("/api/v1/ballots", body, content_type=kind)
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


@pytest.mark.parametrize("value", [2**63, 2**64 + 5, -1, 10**30])
def test_huge_or_negative_counts_are_refused_with_400(
    client: Client, box: BallotBox, district_organiser: User, value: int
) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=district_organiser, name='t')}"}
    for path, payload in (
        ("attendance", {"invited": value, "present": 1}),
        ("paper", {"issued": value, "returned": 0}),
        ("codes", {"count": value}),
    ):
        response = client.post(
            f"/api/v1/admin/boxes/{box.pk}/{path}",
            json.dumps(payload),
            content_type="application/json",
            **auth,
        )
        assert response.status_code == 400, (path, response.content)
        error_of(response)


def test_a_huge_subject_id_is_refused_with_400(client: Client, box: BallotBox) -> None:
    for subject in (2**63, str(2**70)):
        payload = {"code": "ABCD-EFGH-JKMN", "sheets": [{"subject": subject, "answers": {}}]}
        response = client.post(
            "/api/v1/ballots", json.dumps(payload), content_type="application/json"
        )
        assert 400 <= response.status_code < 500
        error_of(response)


def test_the_document_lists_every_error_status(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"400", "404"} <= statuses, (method, path)
            if method == "post":
                assert "415" in statuses, (method, path)
            if path.startswith("/api/v1/admin/"):
                assert {"401", "403"} <= statuses, (method, path)
