"""The units a user reaches: the units of their roles and every unit below, at any depth."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phieukin.accounts.models import Membership, Role, User
from phieukin.accounts.scoping import unit_ids_for
from phieukin.units.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def _unit(slug: str, kind: str, parent: Unit | None = None) -> Unit:
    return Unit.objects.create(
        kind=kind, slug=slug, name=slug, full_name=slug, parent=parent,
        valid_from=dt.date(2025, 7, 1), sort_key=slug,
    )  # fmt: skip


def test_a_role_reaches_every_level_below_its_unit_in_one_query() -> None:
    city = _unit("thanh-pho", UnitKind.PROVINCE)
    old = _unit("quan-cu", UnitKind.DISTRICT, city)
    wards = [_unit(f"phuong-{n}", UnitKind.WARD, old) for n in range(3)]
    direct = _unit("xa-truc-thuoc", UnitKind.COMMUNE, city)
    other = _unit("tinh-khac", UnitKind.PROVINCE)
    _unit("xa-tinh-khac", UnitKind.COMMUNE, other)
    user = User.objects.create_user("thuong-truc", password="x" * 12)
    Membership.objects.create(user=user, unit=city, role=Role.STANDING_COMMITTEE)
    Membership.objects.create(user=user, unit=wards[0], role=Role.COUNTER)
    with CaptureQueriesContext(connection) as queries:
        reached = unit_ids_for(user)
    assert reached == {city.pk, old.pk, direct.pk, *(w.pk for w in wards)}
    assert len(queries) == 1
    # Only the roles asked for count; a role held nowhere reaches nothing.
    assert unit_ids_for(user, roles=[Role.COUNTER]) == {wards[0].pk}
    assert unit_ids_for(user, roles=[Role.WARD_ORGANISER]) == set()
    assert unit_ids_for(user, roles=[]) == set()
    # Another user's memberships never leak in.
    stranger = User.objects.create_user("nguoi-khac", password="x" * 12)
    Membership.objects.create(user=stranger, unit=other, role=Role.STANDING_COMMITTEE)
    assert unit_ids_for(user) == reached
    assert city.pk not in unit_ids_for(stranger)
