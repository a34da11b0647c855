"""Fixtures of the recognition tests: a few honourees and models in two wards and years."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from phieukin.accounts.models import User
from phieukin.recognition import services
from phieukin.recognition.models import FieldOfWork, Level
from phieukin.units.models import Unit


@pytest.fixture
def registry(district_organiser: User, wards: list[Unit]) -> dict[str, Any]:
    """2021: 3 district + 1 city honourees, 2 models; 2022: 1 district honouree, 1 model."""
    made: dict[str, Any] = {"honourees": [], "models": []}
    rows = [
        ("Nguyễn Văn An", wards[0], Level.DISTRICT, 2021, False),
        ("Trần Thị Bình", wards[0], Level.DISTRICT, 2021, True),
        ("Lê Văn Cường", wards[1], Level.DISTRICT, 2021, False),
        ("Phạm Thu Dung", wards[1], Level.CITY, 2021, True),
        ("Hoàng Minh Đạt", wards[0], Level.DISTRICT, 2022, False),
    ]
    for name, unit, level, year, public in rows:
        made["honourees"].append(
            services.record_honouree(
                actor=district_organiser,
                full_name=name,
                unit=unit,
                level=level,
                year=year,
                deed="Nhặt được ví có 15 triệu đồng, trả lại người đánh rơi",
                decision_number=f"{len(made['honourees']) + 100}/QĐ-UBND",
                decision_date=dt.date(year, 12, 20),
                public=public,
            )
        )
    for name, unit, year, public in (
        ("Khối vận khéo", wards[0], 2021, True),
        ("Shipper xanh", wards[1], 2021, False),
        ("Đổi rác lấy quà", wards[0], 2022, False),
    ):
        made["models"].append(
            services.record_model(
                actor=district_organiser,
                name=name,
                unit=unit,
                year=year,
                field=FieldOfWork.MASS_MOBILISATION,
                description=f"Mô hình {name} của phường.",
                results="Thu hút 120 hộ tham gia",
                public=public,
            )
        )
    return made
