"""Fixtures of the criteria tests: the sample set and a commitment of the first ward's leader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from phieukin.accounts.models import User
from phieukin.criteria import services
from phieukin.criteria.models import Commitment, CriteriaSet
from phieukin.units.models import Unit

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "criteria-chuyen-nghiep.yaml"


@pytest.fixture
def criteria_set(db: Any) -> CriteriaSet:
    return services.import_criteria_set(actor=None, filename="set.yaml", data=SAMPLE.read_bytes())


@pytest.fixture
def commitment(leader: User, wards: list[Unit], criteria_set: CriteriaSet) -> Commitment:
    assert leader.person is not None
    return services.commit_to_criteria(
        actor=leader,
        person=leader.person,
        unit=wards[0],
        year=2026,
        criteria_set=criteria_set,
        position_title="Bí thư Đảng ủy phường",
    )


def full_marks(criteria_set: CriteriaSet, value: int = 9) -> dict[str, int]:
    return {key: value for key in criteria_set.criteria.values_list("key", flat=True)}
