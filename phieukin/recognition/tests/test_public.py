"""The public site and API show only what the district office marked public."""

from __future__ import annotations

from typing import Any

from django.test import Client

from phieukin.accounts.models import User
from phieukin.units.models import Unit


def test_the_public_page_lists_only_public_entries(
    client: Client, registry: dict[str, Any], district: Unit, wards: list[Unit]
) -> None:
    page = client.get(f"/units/{district.pk}/recognitions/").content.decode()
    assert "Người tốt, việc tốt" in page and "Chưa có nội dung công khai" not in page
    assert "Trần Thị Bình" in page and "Phạm Thu Dung" in page and "Khối vận khéo" in page
    for hidden in ("Nguyễn Văn An", "Lê Văn Cường", "Hoàng Minh Đạt", "Shipper xanh", "Đổi rác"):
        assert hidden not in page
    ward_page = client.get(f"/units/{wards[1].pk}/recognitions/").content.decode()
    assert "Phạm Thu Dung" in ward_page and "Trần Thị Bình" not in ward_page


def test_the_public_api_lists_only_public_entries(
    client: Client, registry: dict[str, Any], district: Unit
) -> None:
    response = client.get(f"/api/v1/public/units/{district.pk}/recognitions")
    assert response.status_code == 200
    data = response.json()
    assert sorted(h["full_name"] for h in data["honourees"]) == ["Phạm Thu Dung", "Trần Thị Bình"]
    assert [m["name"] for m in data["models"]] == ["Khối vận khéo"]
    assert data["honourees"][0]["decision_date"].endswith("/2021")
    assert client.get("/api/v1/public/units/999999/recognitions").json()["code"] == "not_found"


def test_a_withdrawn_entry_leaves_the_public_site(
    client: Client, registry: dict[str, Any], district: Unit, district_organiser: User
) -> None:
    from phieukin.recognition.services import set_public

    set_public(actor=district_organiser, entry=registry["honourees"][1], public=False)
    page = client.get(f"/units/{district.pk}/recognitions/").content.decode()
    assert "Trần Thị Bình" not in page


def test_the_dashboard_gives_the_latest_years_figures(
    client: Client, registry: dict[str, Any], district_organiser: User
) -> None:
    client.force_login(district_organiser)
    page = client.get("/").content.decode()
    assert "Năm 2022: 1 người được biểu dương cấp quận, 0 người cấp thành phố, 1 mô hình." in page
