"""Permission predicates: who may change what, decided in one place."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from phieukin.accounts import permissions as p
from phieukin.rounds.models import Conference


def test_only_the_district_organiser_manages_the_round(
    draft_round: Any,
    district_organiser: Any,
    standing: Any,
    ward_organiser: Any,
    counter: Any,
    leader: Any,
) -> None:
    assert p.can_manage_round(district_organiser, draft_round)
    for user in (standing, ward_organiser, counter, leader, AnonymousUser()):
        assert not p.can_manage_round(user, draft_round)


def test_attendance_belongs_to_the_wards_organiser_and_the_district(
    draft_round: Any,
    wards: Any,
    district_organiser: Any,
    standing: Any,
    ward_organiser: Any,
    counter: Any,
    outsider: Any,
    leader: Any,
) -> None:
    own = Conference.objects.get(round=draft_round, unit=wards[0])
    other = Conference.objects.get(round=draft_round, unit=wards[1])
    assert p.can_manage_conference(district_organiser, own)
    assert p.can_manage_conference(ward_organiser, own)
    assert not p.can_manage_conference(ward_organiser, other)
    assert p.can_manage_conference(outsider, other)
    for user in (standing, counter, leader):
        assert not p.can_manage_conference(user, own)


def test_back_office_and_leader_roles_are_told_apart(
    district_organiser: Any, standing: Any, counter: Any, leader: Any
) -> None:
    assert p.is_back_office(standing) and p.is_back_office(counter)
    assert not p.is_back_office(leader)
    assert p.is_leader(leader)
    assert not p.is_leader(district_organiser)
    assert not p.is_back_office(AnonymousUser())


def test_the_audit_log_is_for_the_district(
    district_organiser: Any, standing: Any, ward_organiser: Any, leader: Any
) -> None:
    assert p.can_view_audit(district_organiser) and p.can_view_audit(standing)
    assert not p.can_view_audit(ward_organiser) and not p.can_view_audit(leader)


def test_questionnaires_are_managed_by_the_district_organiser_only(
    district_organiser: Any, standing: Any, ward_organiser: Any
) -> None:
    assert p.can_manage_questionnaires(district_organiser)
    assert not p.can_manage_questionnaires(standing)
    assert not p.can_manage_questionnaires(ward_organiser)
