"""Fixtures of the grading: a 2024 year (QĐ 124) and a 2025 year (QĐ 366 points)."""

from __future__ import annotations

import pytest

from phieukin.accounts.models import User
from phieukin.grading import services
from phieukin.grading.models import Grading, GradingYear, SubjectKind
from phieukin.units.models import Unit


@pytest.fixture
def year_2024(district: Unit, district_organiser: User) -> GradingYear:
    return services.open_grading_year(actor=district_organiser, organiser_unit=district, year=2024)


@pytest.fixture
def year_2025(district: Unit, district_organiser: User) -> GradingYear:
    return services.open_grading_year(actor=district_organiser, organiser_unit=district, year=2025)


def collective(year: GradingYear, unit: Unit) -> Grading:
    return Grading.objects.get(year=year, unit=unit, kind=SubjectKind.COLLECTIVE)


def individual(year: GradingYear, unit: Unit, position_key: str = "bi_thu_dang_uy") -> Grading:
    return Grading.objects.get(
        year=year,
        unit=unit,
        kind=SubjectKind.INDIVIDUAL,
        peer_group__isnull=False,
        position_title__startswith="Bí thư" if position_key == "bi_thu_dang_uy" else "Chủ tịch",
    )
