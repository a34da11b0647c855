"""The registry: counted per year and unit, searched, kept by offices, published by the office."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from phieukin.accounts.access import AccessDenied
from phieukin.accounts.models import User
from phieukin.audit.models import AuditEvent
from phieukin.recognition import selectors, services
from phieukin.recognition.models import Level
from phieukin.units.models import Unit


def test_counts_are_given_per_year_level_and_unit(
    registry: dict[str, Any], district_organiser: User, wards: list[Unit]
) -> None:
    counts = selectors.counts(district_organiser)
    by_year = {row.label: row for row in counts.years}
    assert list(by_year) == ["2021", "2022"]
    y2021 = by_year["2021"]
    assert (y2021.district, y2021.city, y2021.national, y2021.models) == (3, 1, 0, 2)
    assert (by_year["2022"].district, by_year["2022"].models) == (1, 1)
    per_unit = {row.label: row for row in counts.units[2021]}
    assert (per_unit[str(wards[0])].honourees, per_unit[str(wards[0])].models) == (2, 1)
    assert (per_unit[str(wards[1])].district, per_unit[str(wards[1])].city) == (1, 1)
    assert counts.total.honourees == 5 and counts.total.models == 3


def test_a_ward_organiser_counts_and_searches_only_its_ward(
    registry: dict[str, Any], ward_organiser: User, wards: list[Unit]
) -> None:
    counts = selectors.counts(ward_organiser)
    assert counts.total.honourees == 3 and counts.total.models == 2
    assert {h.unit_id for h in selectors.honourees_for(ward_organiser)} == {wards[0].pk}
    assert [h.full_name for h in selectors.honourees_for(ward_organiser, q="Bình")] == [
        "Trần Thị Bình"
    ]
    assert [m.name for m in selectors.models_for(ward_organiser, q="khối vận")] == ["Khối vận khéo"]


def test_search_filters_by_year_unit_and_level(
    registry: dict[str, Any], district_organiser: User, wards: list[Unit]
) -> None:
    assert selectors.honourees_for(district_organiser, year=2021, level=Level.CITY).count() == 1
    assert selectors.honourees_for(district_organiser, unit_id=wards[1].pk).count() == 2
    assert selectors.honourees_for(district_organiser, q="101/QĐ").count() == 1
    assert selectors.models_for(district_organiser, year=2022).count() == 1


def test_a_ward_organiser_records_entries_but_cannot_publish_them(
    ward_organiser: User, wards: list[Unit]
) -> None:
    entry = services.record_honouree(
        actor=ward_organiser,
        full_name="Đỗ Văn Hải",
        unit=wards[0],
        level=Level.DISTRICT,
        year=2023,
        deed="Dũng cảm cứu người đuối nước",
        decision_number="12/QĐ-UBND",
        decision_date=dt.date(2023, 4, 2),
    )
    assert AuditEvent.objects.filter(action="recognition.honouree").count() == 1
    with pytest.raises(AccessDenied):
        services.set_public(actor=ward_organiser, entry=entry, public=True)
    with pytest.raises(AccessDenied):
        services.record_honouree(
            actor=ward_organiser,
            full_name="Ngô Thị Lan",
            unit=wards[1],
            level=Level.DISTRICT,
            year=2023,
            deed="Hiến máu 20 lần",
            decision_number="13/QĐ-UBND",
            decision_date=dt.date(2023, 4, 2),
        )


def test_the_office_publishes_and_withdraws_with_an_audit_event(
    registry: dict[str, Any], district_organiser: User
) -> None:
    entry = registry["models"][1]
    services.set_public(actor=district_organiser, entry=entry, public=True)
    services.set_public(actor=district_organiser, entry=entry, public=False)
    actions = list(
        AuditEvent.objects.filter(object_type="recognition.emulationmodel", object_id=str(entry.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["recognition.model", "recognition.publish", "recognition.withdraw"]


def test_another_ward_leader_and_outsiders_read_nothing_of_the_registry(
    registry: dict[str, Any], leader: User
) -> None:
    assert selectors.honourees_for(leader).count() == 0
    assert selectors.models_for(leader).count() == 0
