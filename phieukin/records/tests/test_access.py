"""Every part of the record honours the reader's rights, on the page, in the API, in exports."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from phieukin.accounts.models import Membership, Role, User
from phieukin.api.auth import create_api_token
from phieukin.records.selectors import people_for, record_for
from phieukin.reports.models import ReportAccess
from phieukin.rounds.models import Round
from phieukin.units.models import Person

ALL = ["feedback", "criteria", "recognitions"]


def _keys(user: User, person: Person) -> list[str]:
    return [part.key for part in record_for(user, person).parts]


def _person(leader: User) -> Person:
    assert leader.person is not None
    return leader.person


def test_the_leader_sees_their_own_record(full_record: Round, leader: User) -> None:
    record = record_for(leader, _person(leader))
    assert [p.key for p in record.parts] == ALL
    feedback = record.parts[0]
    assert "k = 5" in feedback.note
    [row] = feedback.tables[0].rows
    assert row[0] == full_record.title


def test_the_standing_committee_sees_all(full_record: Round, standing: User, leader: User) -> None:
    assert _keys(standing, _person(leader)) == ALL
    assert _person(leader) in people_for(standing)


def test_another_wards_organiser_sees_nothing_of_it(
    client: Client, full_record: Round, outsider: User, leader: User
) -> None:
    person = _person(leader)
    assert person not in people_for(outsider)
    client.force_login(outsider)
    assert client.get(f"/records/{person.pk}/").status_code == 404
    assert client.get(f"/records/{person.pk}/record.pdf").status_code == 404
    token = create_api_token(user=outsider, name="t")
    response = client.get(
        f"/api/v1/admin/people/{person.pk}/record", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 404
    assert person.full_name not in response.content.decode()
    assert ReportAccess.objects.count() == 0


def test_the_wards_own_organiser_sees_criteria_and_recognitions_but_no_report(
    full_record: Round, ward_organiser: User, leader: User
) -> None:
    assert _keys(ward_organiser, _person(leader)) == ["criteria", "recognitions"]


def test_before_publication_the_leader_and_the_standing_committee_see_no_feedback(
    sealed_round: Round,
    reviewed_quarter: object,
    honour: object,
    leader: User,
    standing: User,
    district_organiser: User,
) -> None:
    assert _keys(leader, _person(leader)) == ["criteria", "recognitions"]
    assert _keys(standing, _person(leader)) == ["criteria", "recognitions"]
    organiser_view = record_for(district_organiser, _person(leader))
    assert [p.key for p in organiser_view.parts] == ALL
    assert "(chưa công bố)" in organiser_view.parts[0].tables[0].rows[0][0]


def test_another_leader_of_the_same_ward_cannot_open_the_record(
    client: Client, full_record: Round, leader: User
) -> None:
    person = (
        Person.objects.exclude(pk=_person(leader).pk)
        .filter(tenures__position__unit__in=Membership.objects.filter(user=leader).values("unit"))
        .first()
    )
    assert person is not None
    other = User.objects.create_user(username="lanhdao2", password="x", person=person)
    membership = Membership.objects.filter(user=leader).first()
    assert membership is not None
    Membership.objects.create(user=other, unit=membership.unit, role=Role.LEADER)
    client.force_login(other)
    assert client.get(f"/records/{_person(leader).pk}/").status_code == 404


def test_the_page_and_the_api_show_the_same_parts_and_log_the_report_reading(
    client: Client, full_record: Round, standing: User, leader: User
) -> None:
    person = _person(leader)
    client.force_login(standing)
    page = client.get(f"/records/{person.pk}/").content.decode()
    assert "Hồ sơ của đồng chí" in page
    for section in ("part-feedback", "part-criteria", "part-recognitions"):
        assert section in page
    assert "Hoàn thành xuất sắc nhiệm vụ" in page and "3521/QĐ-UBND" in page
    token = create_api_token(user=standing, name="t")
    data = json.loads(
        client.get(
            f"/api/v1/admin/people/{person.pk}/record", HTTP_AUTHORIZATION=f"Bearer {token}"
        ).content
    )
    assert [p["key"] for p in data["parts"]] == ALL
    assert data["name"] == person.full_name
    assert ReportAccess.objects.filter(user=standing).count() == 2


@pytest.mark.parametrize("path", ["/api/v1/admin/people/{pk}/record"])
def test_the_api_needs_a_token(client: Client, full_record: Round, leader: User, path: str) -> None:
    response = client.get(path.format(pk=_person(leader).pk))
    assert response.status_code == 401
