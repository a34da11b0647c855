# ruff: noqa: F811  (the shared "world" fixture is imported, then requested by name)
"""No raw key where a person reads: pages, API error texts and the audit log's details.

Stable keys (item ``nd01``, scale ``muc_do_4``, option ``trung_binh``, action
``box.seal``) stay in URLs, form fields and machine files. Every page of the walk of
``test_access`` (as the district organiser, the counting committee and the leader) and
the API's error bodies must name things in Vietnamese; the pattern is in
``phieukin/testing/rawkeys.py``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from phieukin.accounts.models import User
from phieukin.ballots import services
from phieukin.ballots.tests.conftest import box_codes, full_sheets, open_box_  # noqa: F401
from phieukin.rounds.models import BallotBox
from phieukin.testing.rawkeys import raw_keys, visible_text
from tests.adversarial.test_access import world  # noqa: F401  (fixture)
from tests.adversarial.test_csp import html_pages


def test_the_pattern_finds_the_keys_the_issue_names() -> None:
    text = "còn thiếu: nd01 · muc_do_4 · trung_binh · box.seal · accounts.committee_member_added"
    assert raw_keys(text) == [
        "nd01",
        "muc_do_4",
        "trung_binh",
        "box.seal",
        "accounts.committee_member_added",
    ]
    assert raw_keys("Đợt I/2022 · 3,50 · bien-ban.pdf · https://phieukin.example.vn/") == []
    assert raw_keys(visible_text('<input name="a-1-nd01" value="trung_binh"> Nội dung 1')) == []


@pytest.mark.django_db
def test_no_page_shows_a_raw_key(
    world: dict[str, Any], district_organiser: User, counter: User, leader: User
) -> None:
    found: dict[str, list[str]] = {}
    checked = 0
    for user in (district_organiser, counter, leader):
        client = Client()
        client.force_login(user)
        for path in html_pages(world):
            if path.startswith(("/admin/", "/api/")) or path.endswith("/logout/"):
                continue
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            keys = raw_keys(visible_text(response.content.decode()))
            if keys:
                found[f"{user.username} {path}"] = sorted(set(keys))
            checked += 1
    assert checked >= 40
    assert found == {}


@pytest.mark.django_db
def test_the_audit_log_shows_details_with_vietnamese_labels(
    world: dict[str, Any], district_organiser: User
) -> None:
    client = Client()
    client.force_login(district_organiser)
    page = visible_text(client.get("/audit/").content.decode())
    assert "Niêm phong hòm phiếu" in page or "niêm phong" in page.lower()
    assert raw_keys(page) == []
    for key in ('"digest"', "mismatch_acknowledged", "codes_used", "per_subject", "{"):
        assert key not in page


def _cast(client: Client, box: BallotBox, code: str, sheets: list[dict[str, Any]]) -> Any:
    return client.post(
        "/api/v1/ballots",
        json.dumps({"code": code, "sheets": sheets}),
        content_type="application/json",
    )


@pytest.mark.django_db
def test_api_errors_name_questions_by_number_not_by_key(
    open_box_: BallotBox, box_codes: list[str]
) -> None:
    sheets = [
        {"subject": str(s.subject_id), "answers": dict(s.answers), "comment": ""}
        for s in full_sheets(open_box_, 0)
    ]
    first_key = next(iter(sheets[0]["answers"]))
    client = Client()

    missing = [{**sheets[0], "answers": {**sheets[0]["answers"], first_key: None}}, *sheets[1:]]
    body = _cast(client, open_box_, box_codes[0], missing).json()
    assert body["code"] == "missing_answers"
    assert "số 1" in body["detail"] and raw_keys(body["detail"]) == []

    wrong = [{**sheets[0], "answers": {**sheets[0]["answers"], first_key: "xuat_sac"}}, *sheets[1:]]
    body = _cast(client, open_box_, box_codes[0], wrong).json()
    assert body["code"] == "unknown_option"
    assert "số 1" in body["detail"] and raw_keys(body["detail"]) == []
    assert "xuat_sac" not in body["detail"]

    unknown = [{**sheets[0], "answers": {**sheets[0]["answers"], "nd99": "tot"}}, *sheets[1:]]
    body = _cast(client, open_box_, box_codes[0], unknown).json()
    assert body["code"] == "unknown_item"
    assert raw_keys(body["detail"]) == [] and "nd99" not in body["detail"]
    # Nothing was stored: the code still works.
    assert services.cast_ballot(code=box_codes[0], sheets=full_sheets(open_box_, 0))
