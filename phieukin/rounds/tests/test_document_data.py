"""The plan a round carries out and the conference details the minutes print.

Both are recorded on a web page and through the admin API, by the same services, and
audited; the conference details freeze when the box is sealed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from phieukin.api.auth import create_api_token
from phieukin.audit.models import AuditEvent
from phieukin.core.errors import Conflict, DomainError
from phieukin.rounds import services
from phieukin.rounds.models import BallotBox, Conference, Round

pytestmark = pytest.mark.django_db


def _api(user: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    token = create_api_token(user=user, name="documents")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    if method == "GET":
        return client.get(path)
    return client.post(path, body or {}, content_type="application/json")


def test_the_organiser_records_the_plan_on_the_round_page_and_it_reads_as_a_party_reference(
    as_persona: Any, draft_round: Round
) -> None:
    page = reverse("rounds:plan", args=[draft_round.pk])
    response = as_persona("district_organiser").post(
        page,
        {
            "plan_number": "Số 104-KH/QU",
            "plan_date": "2022-02-11",
            "plan_issuer": "Ban Thường vụ Quận ủy Long Biên",
        },
    )
    assert response.status_code == 302
    draft_round.refresh_from_db()
    assert draft_round.plan_number == "104-KH/QU"  # "Số" is the document's, not the number's
    assert draft_round.plan_reference == (
        "Kế hoạch số 104-KH/QU ngày 11/02/2022 của Ban Thường vụ Quận ủy Long Biên"
    )
    detail = as_persona("district_organiser").get(reverse("rounds:detail", args=[draft_round.pk]))
    assert "Kế hoạch số 104-KH/QU ngày 11/02/2022" in detail.content.decode()
    assert AuditEvent.objects.filter(action="round.plan", object_id=str(draft_round.pk)).exists()


def test_a_plan_without_an_issuer_names_the_organising_committee(draft_round: Round) -> None:
    services.record_round_plan(
        actor=None, round=draft_round, number="7-KH/QU", day=dt.date(2026, 3, 2), issuer=""
    )
    draft_round.refresh_from_db()
    assert draft_round.plan_reference == "Kế hoạch số 7-KH/QU ngày 02/03/2026 của Quận ủy Long Biên"


def test_a_plan_number_needs_its_date(draft_round: Round) -> None:
    with pytest.raises(DomainError) as caught:
        services.record_round_plan(actor=None, round=draft_round, number="7-KH/QU", day=None)
    assert caught.value.code == "plan_date"


@pytest.mark.parametrize("persona", ["ward_organiser", "counter", "standing"])
def test_only_the_round_organiser_records_the_plan(
    request: Any, as_persona: Any, persona: str, draft_round: Round
) -> None:
    page = reverse("rounds:plan", args=[draft_round.pk])
    assert as_persona(persona).post(page, {"plan_number": "1-KH/QU"}).status_code == 403
    answer = _api(
        request.getfixturevalue(persona),
        "POST",
        f"/api/v1/admin/rounds/{draft_round.pk}/plan",
        {"number": "1-KH/QU", "date": "2026-01-05"},
    )
    assert answer.status_code == 403
    draft_round.refresh_from_db()
    assert draft_round.plan_number == ""


def test_the_api_records_and_reads_the_plan(district_organiser: Any, draft_round: Round) -> None:
    path = f"/api/v1/admin/rounds/{draft_round.pk}/plan"
    answer = _api(
        district_organiser,
        "POST",
        path,
        {"number": "104-KH/QU", "date": "2022-02-11", "issuer": "Ban Thường vụ Quận ủy"},
    )
    assert answer.status_code == 200
    assert answer.json()["reference"] == (
        "Kế hoạch số 104-KH/QU ngày 11/02/2022 của Ban Thường vụ Quận ủy"
    )
    read = _api(district_organiser, "GET", path).json()
    assert (read["number"], read["date"]) == ("104-KH/QU", "2022-02-11")
    bad = _api(district_organiser, "POST", path, {"number": "1-KH/QU", "date": 20220211})
    assert bad.status_code == 400


def test_the_counting_committee_records_the_conference_details_on_its_page(
    as_persona: Any, box: BallotBox
) -> None:
    page = reverse("rounds:conference_details", args=[box.conference_id])
    response = as_persona("counter").post(
        page,
        {
            "place": "Hội trường Đảng ủy phường",
            "starts_at": "08:30",
            "chair": "Nguyễn Văn An",
            "secretary": "Trần Thị Bình",
            "committee": "Lê Văn Cường\n\n  Phạm   Thị Dung \nHoàng Văn Em",
        },
    )
    assert response.status_code == 302
    conference = Conference.objects.get(pk=box.conference_id)
    assert conference.place == "Hội trường Đảng ủy phường"
    assert conference.starts_at == dt.time(8, 30)
    assert conference.committee == ["Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"]
    shown = as_persona("counter").get(reverse("rounds:conference", args=[box.conference_id]))
    text = shown.content.decode()
    assert "Nguyễn Văn An" in text and "Lê Văn Cường (Tổ trưởng)" in text
    event = AuditEvent.objects.get(action="conference.details", object_id=str(conference.pk))
    assert event.data["committee"] == ["Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"]


@pytest.mark.parametrize("persona", ["standing", "leader"])
def test_readers_may_not_change_the_conference_details(
    as_persona: Any, persona: str, box: BallotBox
) -> None:
    page = reverse("rounds:conference_details", args=[box.conference_id])
    assert as_persona(persona).post(page, {"chair": "X"}).status_code == 403
    assert Conference.objects.get(pk=box.conference_id).chair == ""


def test_the_api_records_the_details_and_refuses_them_once_the_box_is_sealed(
    ward_organiser: Any, box: BallotBox
) -> None:
    path = f"/api/v1/admin/conferences/{box.conference_id}/details"
    body = {
        "place": "Nhà văn hóa tổ dân phố 5",
        "starts_at": "14:00",
        "chair": "Nguyễn Văn An",
        "secretary": "Trần Thị Bình",
        "committee": ["Lê Văn Cường", "Phạm Thị Dung"],
    }
    answer = _api(ward_organiser, "POST", path, body)
    assert answer.status_code == 200
    assert answer.json()["starts_at"] == "14:00"
    assert answer.json()["committee"] == ["Lê Văn Cường", "Phạm Thị Dung"]
    assert _api(ward_organiser, "POST", path, {**body, "starts_at": "2pm"}).status_code == 400
    BallotBox.objects.filter(pk=box.pk).update(state="sealed")
    refused = _api(ward_organiser, "POST", path, {**body, "chair": "Người khác"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "details_frozen"
    with pytest.raises(Conflict):
        services.record_conference_details(
            actor=None,
            conference=Conference.objects.get(pk=box.conference_id),
            place="",
            starts_at=None,
            chair="Người khác",
            secretary="",
            committee=[],
        )
    assert Conference.objects.get(pk=box.conference_id).chair == "Nguyễn Văn An"


def test_control_characters_are_refused_before_they_reach_the_database(
    ward_organiser: Any, box: BallotBox
) -> None:
    path = f"/api/v1/admin/conferences/{box.conference_id}/details"
    answer = _api(ward_organiser, "POST", path, {"chair": "Nguyễn\x00Văn An"})
    assert answer.status_code == 400 and answer.json()["code"] == "bad_text"
    assert Conference.objects.get(pk=box.conference_id).chair == ""
