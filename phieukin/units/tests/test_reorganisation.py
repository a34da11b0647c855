"""A reorganisation is one dated event: units end and begin, successions and moves recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from phieukin.accounts.access import AccessDenied
from phieukin.audit.models import AuditEvent
from phieukin.core.errors import DomainError
from phieukin.units import lineage
from phieukin.units.models import Position, PositionType, Reorganisation, Succession, Unit
from phieukin.units.services import (
    LONG_BIEN_2025,
    NewUnit,
    SuccessionSpec,
    import_reorganisation,
    record_reorganisation,
)

BEFORE = dt.date(2025, 6, 30)
AFTER = dt.date(2025, 7, 1)


def _reorganise_long_bien() -> Any:
    return import_reorganisation(
        actor=None,
        text=LONG_BIEN_2025.read_text(encoding="utf-8"),
        carry_holders={"bo-de": "00139", "long-bien": "00145"},
    )


def test_the_2025_reorganisation_ends_the_district_and_begins_four_wards(district: Unit) -> None:
    result = _reorganise_long_bien()
    district.refresh_from_db()
    assert district.valid_until == BEFORE
    assert len(result.ended) == 15
    assert sorted(u.name for u in result.created.values()) == [
        "Bồ Đề",
        "Long Biên",
        "Phúc Lợi",
        "Việt Hưng",
    ]
    city = district.parent
    assert city is not None and city.name == "Thành phố Hà Nội"
    assert all(u.parent_id == city.pk and u.valid_from == AFTER for u in result.created.values())
    assert Reorganisation.objects.count() == 1
    event = AuditEvent.objects.get(action="units.reorganise")
    assert event.data["effective"] == "2025-07-01"
    # Recording it again changes nothing.
    _reorganise_long_bien()
    assert Reorganisation.objects.count() == 1
    assert Unit.objects.filter(name="Bồ Đề").count() == 2


def test_a_unit_valid_on_one_date_and_not_another_appears_only_on_the_right_maps(
    district: Unit,
) -> None:
    _reorganise_long_bien()
    city = Unit.objects.get(code="01")
    everything = Unit.objects.all()

    def names(day: dt.date) -> list[str]:
        forest = lineage.map_on(day, everything)
        (root,) = forest
        assert root.unit == city
        return [f"{c.unit.kind}:{c.unit.name}" for c in root.children]

    assert names(BEFORE) == ["district:Long Biên"]
    assert names(AFTER) == ["ward:Bồ Đề", "ward:Long Biên", "ward:Phúc Lợi", "ward:Việt Hưng"]
    (old_map,) = lineage.map_on(dt.date(2022, 11, 18), everything)
    assert len(old_map.children[0].children) == 14
    assert "Ngọc Lâm" not in [u.name for u in lineage.units_on(dt.date(2026, 11, 21))]


def test_the_new_bo_de_names_its_predecessors_labelled(district: Unit) -> None:
    result = _reorganise_long_bien()
    bo_de = result.created["bo-de"]
    found = {p.unit.name: p for p in lineage.predecessors(bo_de)}
    assert set(found) == {"Bồ Đề", "Ngọc Lâm", "Gia Thụy", "Ngọc Thụy"}
    assert found["Bồ Đề"].label == "phường Bồ Đề cũ (một phần)"
    assert found["Ngọc Lâm"].label == "ghép từ phường Ngọc Lâm (toàn bộ)"
    assert not found["Ngọc Lâm"].verified
    long_bien = result.created["long-bien"]
    assert {p.unit.name for p in lineage.predecessors(long_bien) if p.verified} == {
        "Long Biên",
        "Cự Khối",
        "Phúc Đồng",
        "Thạch Bàn",
        "Bồ Đề",
        "Gia Thụy",
    }
    old_bo_de = Unit.objects.get(code="00139")
    assert [u.name for u in lineage.successors_on(old_bo_de, AFTER)] == ["Bồ Đề", "Long Biên"]
    assert lineage.successors_on(old_bo_de, BEFORE) == [old_bo_de]


def test_post_holders_follow_people_into_the_new_ward(district: Unit) -> None:
    old = Position.objects.get(unit__code="00139", type__key="bi_thu_dang_uy")
    person = old.holder_on(BEFORE)
    result = _reorganise_long_bien()
    new = Position.objects.get(unit=result.created["bo-de"], type__key="bi_thu_dang_uy")
    assert new.holder_on(AFTER) == person
    assert old.holder_on(AFTER) is None
    assert old.holder_on(BEFORE) == person
    assert lineage.lineage_positions(new)[1:] == [
        p for p in lineage.lineage_positions(new) if p.unit.valid_until == BEFORE
    ]
    assert old in lineage.lineage_positions(new)


def test_moving_wards_to_the_city_is_one_event_undone_on_older_maps(district: Unit) -> None:
    city = district.parent
    assert city is not None
    wards = list(district.children.order_by("sort_key")[:2])
    record_reorganisation(
        actor=None,
        effective=AFTER,
        title="Wards report to the city",
        ending=[district],
        moves=[(ward, city) for ward in wards],
    )
    for ward in wards:
        ward.refresh_from_db()
        assert ward.parent_id == city.pk
        assert ward.parent_id_on(BEFORE) == district.pk
        assert ward.parent_id_on(AFTER) == city.pk
    today = {node.unit.pk: node for node in lineage.map_on(AFTER, Unit.objects.all())}
    assert {c.unit.name for c in today[city.pk].children} == {w.name for w in wards}
    assert lineage.issuing_body(wards[0], BEFORE).superior == "ĐẢNG BỘ QUẬN LONG BIÊN"
    assert lineage.issuing_body(wards[0], AFTER).superior == "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI"


def test_a_reorganisation_is_all_or_nothing(district: Unit) -> None:
    ward = district.children.order_by("sort_key")[0]
    with pytest.raises(DomainError) as caught:
        record_reorganisation(
            actor=None,
            effective=AFTER,
            title="Bad shares",
            ending=[ward],
            new_units=[
                NewUnit(
                    key="a",
                    kind="ward",
                    name="A",
                    full_name="Phường A",
                    slug="a",
                    parent=district.parent,
                    position_types=tuple(PositionType.objects.all()),
                ),
            ],
            successions=[
                SuccessionSpec(predecessor=ward, successor="a", population_share=Decimal("0.7")),
                SuccessionSpec(predecessor=ward, successor="a", population_share=Decimal("0.6")),
            ],
        )
    assert caught.value.code in {"bad_share"}
    ward.refresh_from_db()
    assert ward.valid_until is None
    assert not Unit.objects.filter(name="A").exists()
    assert not Succession.objects.exists()


def test_a_share_is_shown_in_the_label(district: Unit) -> None:
    ward = district.children.order_by("sort_key")[0]
    result = record_reorganisation(
        actor=None,
        effective=AFTER,
        title="Split",
        ending=[ward],
        new_units=[
            NewUnit(key="a", kind="ward", name="A", full_name="Phường A", slug="a", parent=None)
        ],
        successions=[
            SuccessionSpec(predecessor=ward, successor="a", population_share=Decimal("0.625"))
        ],
        appointments=[],
    )
    (link,) = lineage.predecessors(result.created["a"])
    assert link.label == f"ghép từ phường {ward.name} (một phần, 62,5% dân số)"


def test_only_the_city_organiser_records_a_reorganisation(
    district: Unit, district_organiser: Any
) -> None:
    with pytest.raises(AccessDenied):
        record_reorganisation(actor=district_organiser, effective=AFTER, title="No")
