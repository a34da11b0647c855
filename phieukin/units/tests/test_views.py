"""Units and leaders pages: the tree, the holders, and appointing a leader."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from phieukin.audit.models import AuditEvent
from phieukin.units.models import Person, Position, Tenure


def test_the_tree_lists_wards_in_vietnamese_order(
    as_persona: Any, district_organiser: Any, wards: Any
) -> None:
    html = as_persona("district_organiser").get(reverse("units:list")).content.decode()
    positions = [html.index(w.full_name) for w in wards]
    assert positions == sorted(positions)
    assert html.index("Phường Bồ Đề") < html.index("Phường Đức Giang")
    assert html.index("Phường Đức Giang") < html.index("Phường Gia Thụy")


def test_a_ward_organiser_sees_only_their_ward(
    as_persona: Any, ward_organiser: Any, wards: Any
) -> None:
    html = as_persona("ward_organiser").get(reverse("units:list")).content.decode()
    assert wards[0].full_name in html
    assert wards[1].full_name not in html
    leaders = as_persona("ward_organiser").get(reverse("units:leaders")).content.decode()
    assert wards[0].name in leaders
    assert f"<td>{wards[1].name}</td>" not in leaders


def test_the_leaders_page_shows_holders_and_tenure_dates(
    as_persona: Any, district_organiser: Any, wards: Any
) -> None:
    html = as_persona("district_organiser").get(reverse("units:leaders")).content.decode()
    tenure = Tenure.objects.filter(position__unit=wards[0]).select_related("person").first()
    assert tenure is not None
    assert tenure.person.full_name in html
    assert "01/10/2020" in html


def test_the_district_organiser_appoints_a_new_person(
    as_persona: Any, district_organiser: Any, wards: Any
) -> None:
    position = Position.objects.get(unit=wards[0], type__key="chu_tich_ubnd")
    previous = position.holder_on(dt.date(2026, 11, 21))
    response = as_persona("district_organiser").post(
        reverse("units:leaders"),
        {"position": position.pk, "full_name": "Lê  Thị   Hồng", "start": "01/12/2026"},
    )
    assert response.status_code == 302
    assert position.holder_on(dt.date(2026, 12, 1)).full_name == "Lê Thị Hồng"  # type: ignore[union-attr]
    assert position.holder_on(dt.date(2026, 11, 30)) == previous
    assert AuditEvent.objects.filter(action="position.appoint", actor=district_organiser).exists()
    assert AuditEvent.objects.filter(action="person.create").exists()


def test_appointing_without_a_person_is_refused(
    as_persona: Any, district_organiser: Any, wards: Any
) -> None:
    position = Position.objects.get(unit=wards[0], type__key="chu_tich_ubnd")
    before = Person.objects.count()
    response = as_persona("district_organiser").post(
        reverse("units:leaders"), {"position": position.pk, "start": "01/12/2026"}
    )
    assert "Chọn một người hoặc nhập họ tên người mới." in response.content.decode()
    assert Person.objects.count() == before


@pytest.mark.parametrize("persona", ["standing", "ward_organiser", "counter"])
def test_other_roles_cannot_appoint(as_persona: Any, persona: str, wards: Any) -> None:
    position = Position.objects.get(unit=wards[0], type__key="chu_tich_ubnd")
    client = as_persona(persona)
    assert "Bổ nhiệm cán bộ" not in client.get(reverse("units:leaders")).content.decode()
    response = client.post(
        reverse("units:leaders"),
        {"position": position.pk, "full_name": "Người Lạ", "start": "01/12/2026"},
    )
    assert response.status_code == 403
    assert not Person.objects.filter(full_name="Người Lạ").exists()


def test_an_organiser_cannot_appoint_outside_their_district(
    as_persona: Any, district_organiser: Any, wards: Any
) -> None:
    from phieukin.units.models import PositionType, Unit, UnitKind

    elsewhere = Unit.objects.create(kind=UnitKind.WARD, slug="xa-la", name="Xa Lạ", full_name="X")
    position = Position.objects.create(
        unit=elsewhere, type=PositionType.objects.all()[0], title="Bí thư Xa Lạ"
    )
    response = as_persona("district_organiser").post(
        reverse("units:leaders"),
        {"position": position.pk, "full_name": "Người Lạ", "start": "01/12/2026"},
    )
    assert response.status_code == 200  # not a choice of the form
    assert not Tenure.objects.filter(position=position).exists()


def test_the_units_page_draws_the_map_of_the_chosen_date_with_its_reorganisations(
    as_persona: Any, district_organiser: Any, wards: Any
) -> None:
    from phieukin.accounts.models import Membership, Role
    from phieukin.units.models import Unit
    from phieukin.units.services import LONG_BIEN_2025, import_reorganisation

    import_reorganisation(actor=None, text=LONG_BIEN_2025.read_text(encoding="utf-8"))
    city = Unit.objects.get(code="01")
    Membership.objects.create(user=district_organiser, unit=city, role=Role.DISTRICT_ORGANISER)
    client = as_persona("district_organiser")
    old = client.get(reverse("units:list") + "?on=2022-11-18").content.decode()
    assert "Đơn vị ngày 18/11/2022" in old
    assert "Phường Ngọc Lâm" in old and "Quận Long Biên" in old
    new = client.get(reverse("units:list") + "?on=2026-11-21").content.decode()
    assert "Phường Ngọc Lâm</strong>" not in new and "Quận Long Biên</strong>" not in new
    assert "Phường Việt Hưng</strong>" in new
    # The reorganisation, with each new ward's predecessors labelled.
    assert "01/07/2025: Sắp xếp đơn vị hành chính cấp xã" in new
    assert "ghép từ phường Ngọc Lâm (toàn bộ)" in new
    assert "chưa đối chiếu văn bản pháp lý" in new
    assert "Nhập danh sách đơn vị" in new  # the city's organiser may import
