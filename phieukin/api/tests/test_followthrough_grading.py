"""The self-check and grading endpoints answer with what the token's user reads on the web."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from phieukin.accounts.models import User
from phieukin.api.auth import create_api_token
from phieukin.grading import services as grading
from phieukin.grading.models import Grading, SubjectKind
from phieukin.selfcheck import services as selfcheck
from phieukin.selfcheck.models import Checklist
from phieukin.selfcheck.tests.conftest import DATA
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db


def get(user: User, url: str) -> tuple[int, dict[str, Any]]:
    token = create_api_token(user=user, name="t")
    response = Client().get(url, HTTP_AUTHORIZATION="Bearer " + token)
    return response.status_code, response.json()


@pytest.fixture
def sessions(district: Unit, wards: list[Unit]) -> Checklist:
    checklist = selfcheck.import_checklist(actor=None, data=DATA.read_bytes(), filename="c.yaml")
    for ward in wards[:2]:
        session = selfcheck.create_session(
            actor=None,
            unit=ward,
            period="2023",
            checklist=checklist,
            title="",
            held_on=dt.date(2023, 9, 1),
            participants=40,
            speakers=13,
        )
        selfcheck.record_finding(
            actor=None,
            entry=session.entries.get(),
            item=checklist.items.get(order=14),
            remedy="Khắc phục",
            follow_up_by="Chi ủy",
            due_on=dt.date(2023, 12, 31),
        )
    return checklist


def test_the_organiser_reads_every_ward_and_the_scope(
    sessions: Checklist, district_organiser: User, wards: list[Unit]
) -> None:
    status, body = get(district_organiser, "/api/v1/admin/selfchecks?period=2023")
    assert status == 200
    assert sorted(s["unit"]["id"] for s in body["sessions"]) == sorted(w.pk for w in wards[:2])
    first = body["sessions"][0]
    assert first["speakers"] == 13
    assert first["checklist"] == {
        "id": sessions.pk,
        "code": "chi-thi-24-ct-tu",
        "version": 1,
        "items": 21,
        "drafts": 16,
    }
    assert first["entries"][0]["findings"][0]["draft"] is True
    named = {row["item"]: row for row in body["scope"]["items"]}
    assert named["ct24-14"]["collectives"] == 2
    assert body["scope"]["overdue"] == 2


def test_a_ward_office_reads_only_its_ward(
    sessions: Checklist, ward_organiser: User, outsider: User, wards: list[Unit]
) -> None:
    _status, body = get(ward_organiser, "/api/v1/admin/selfchecks")
    assert [s["unit"]["id"] for s in body["sessions"]] == [wards[0].pk]
    assert body["scope"]["items"][13]["collectives"] == 1
    _status, body = get(ward_organiser, f"/api/v1/admin/selfchecks?unit={wards[1].pk}")
    assert body["sessions"] == []
    _status, body = get(outsider, f"/api/v1/admin/selfchecks?unit={wards[1].pk}")
    assert [s["unit"]["id"] for s in body["sessions"]] == [wards[1].pk]


def test_a_leader_and_a_counter_read_no_session(
    sessions: Checklist, leader: User, counter: User
) -> None:
    for user in (leader, counter):
        _status, body = get(user, "/api/v1/admin/selfchecks")
        assert body["sessions"] == []


def test_without_a_token_the_answer_is_401(sessions: Checklist) -> None:
    assert Client().get("/api/v1/admin/selfchecks").status_code == 401
    assert Client().get("/api/v1/admin/gradings").status_code == 401


@pytest.fixture
def graded(district: Unit, wards: list[Unit]) -> None:
    year = grading.open_grading_year(actor=None, organiser_unit=district, year=2025)
    for ward, general in zip(wards[:3], ("30", "30", "20"), strict=True):
        g = Grading.objects.get(year=year, unit=ward, kind=SubjectKind.COLLECTIVE)
        grading.self_assess(
            actor=None, grading=g, text="x", general=Decimal(general), tasks=Decimal("65")
        )


def test_the_organiser_reads_the_gradings_and_the_cap(
    graded: None, district_organiser: User
) -> None:
    status, body = get(district_organiser, "/api/v1/admin/gradings?year=2025")
    assert status == 200
    assert len(body["gradings"]) == 42
    assert {g["regulation"] for g in body["gradings"]} == {"QD366"}
    assessed = [g for g in body["gradings"] if g["self_assessment"]["grade"]]
    assert sorted(g["self_assessment"]["total"] for g in assessed) == ["85.0", "95.0", "95.0"]
    cap = next(c for c in body["caps"] if c["excellent"])
    assert (cap["excellent"], cap["good"], cap["exceeded"]) == (2, 1, True)


def test_a_ward_office_reads_its_ward_and_no_cap(
    graded: None, ward_organiser: User, wards: list[Unit]
) -> None:
    _status, body = get(ward_organiser, f"/api/v1/admin/gradings?year=2025&unit={wards[1].pk}")
    assert body["gradings"] == []
    _status, body = get(ward_organiser, "/api/v1/admin/gradings?year=2025")
    assert {g["unit"]["id"] for g in body["gradings"]} == {wards[0].pk}
    assert body["caps"] == []


def test_a_leader_reads_only_their_own_grading(graded: None, leader: User) -> None:
    _status, body = get(leader, "/api/v1/admin/gradings")
    assert [g["person"] for g in body["gradings"]] == [leader.person_id]


def test_the_endpoints_are_in_the_openapi_document() -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/admin/selfchecks" in paths
    assert "/api/v1/admin/gradings" in paths
