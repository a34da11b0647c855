"""The admin API lists, adds and removes a ward's counting-committee accounts.

It goes through the same services as the page ``/accounts/committee/`` and the command
``committee_member``: scoped to the wards the token's user manages, audited.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from phieukin.accounts.models import Membership, Role, User
from phieukin.api.auth import create_api_token
from phieukin.audit.models import AuditEvent
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(user=user, name='committee')}")


def _url(ward: Unit, tail: str = "") -> str:
    return f"/api/v1/admin/wards/{ward.pk}/committee{tail}"


def _add(client: Client, ward: Unit, username: str = "kp.lan") -> Any:
    return client.post(
        _url(ward),
        json.dumps({"username": username, "full_name": "Nguyễn Thị Lan"}),
        content_type="application/json",
    )


def test_the_ward_office_adds_lists_and_removes_a_member_through_the_api(
    wards: list[Unit], ward_organiser: User
) -> None:
    client = _client(ward_organiser)
    created = _add(client, wards[0])
    assert created.status_code == 201
    body = created.json()
    member = User.objects.get(username="kp.lan")
    assert body["id"] == member.pk
    assert body["first_sign_in_done"] is False
    assert member.check_password(body["temporary_password"])
    assert member.must_change_password
    assert Membership.objects.filter(user=member, unit=wards[0], role=Role.COUNTER).exists()
    added = AuditEvent.objects.get(action="accounts.committee_member_added")
    assert body["temporary_password"] not in json.dumps(added.data)

    listed = client.get(_url(wards[0])).json()
    assert listed["ward"] == wards[0].pk
    assert "kp.lan" in [m["username"] for m in listed["members"]]
    assert "temporary_password" not in json.dumps(listed)

    removed = client.post(_url(wards[0], f"/{member.pk}/remove"))
    assert removed.status_code == 200
    assert removed.json() == {"id": member.pk, "username": "kp.lan", "deactivated": True}
    member.refresh_from_db()
    assert not member.is_active
    assert AuditEvent.objects.filter(action="accounts.committee_member_removed").exists()
    assert "kp.lan" not in [m["username"] for m in client.get(_url(wards[0])).json()["members"]]


def test_another_wards_office_finds_no_such_ward(
    wards: list[Unit], outsider: User, counter: User
) -> None:
    client = _client(outsider)
    assert client.get(_url(wards[0])).status_code == 404
    assert _add(client, wards[0]).status_code == 404
    assert client.post(_url(wards[0], f"/{counter.pk}/remove")).status_code == 404
    assert not User.objects.filter(username="kp.lan").exists()
    assert Membership.objects.filter(user=counter, role=Role.COUNTER).exists()


def test_a_counter_cannot_manage_the_committee(wards: list[Unit], counter: User) -> None:
    assert _add(_client(counter), wards[0]).status_code == 404


def test_a_taken_sign_in_name_is_a_conflict_in_vietnamese(
    wards: list[Unit], ward_organiser: User, counter: User
) -> None:
    response = _add(_client(ward_organiser), wards[0], username=counter.username)
    assert response.status_code == 409
    assert response.json()["code"] == "username_taken"
    assert "đã có người dùng" in response.json()["detail"]


def test_wards_the_reorganisation_ended_are_not_offered_to_the_district_organiser(
    as_persona: Any, wards: list[Unit], district_organiser: User
) -> None:
    ended = wards[1]
    ended.valid_until = timezone.localdate() - dt.timedelta(days=1)
    ended.save(update_fields=["valid_until"])
    page = as_persona("district_organiser").get("/accounts/committee/").content.decode()
    assert f"<h2>{wards[0]}</h2>" in page
    assert f"<h2>{ended}</h2>" not in page
    client = _client(district_organiser)
    assert client.get(_url(ended)).status_code == 404
    assert _add(client, ended).status_code == 404
    assert client.get(_url(wards[0])).status_code == 200
