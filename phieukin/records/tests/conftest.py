"""Fixtures of the record tests: a published round, a commitment, an honour of the leader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from phieukin.accounts.models import User
from phieukin.criteria import services as criteria
from phieukin.criteria.models import Commitment
from phieukin.recognition import services as recognition
from phieukin.recognition.models import Honouree, Level
from phieukin.reports.tests.conftest import published_round, sealed_round
from phieukin.rounds.models import Round
from phieukin.units.models import Unit

__all__ = ["published_round", "sealed_round"]

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "criteria-chuyen-nghiep.yaml"


@pytest.fixture
def reviewed_quarter(leader: User, wards: list[Unit], district_organiser: User) -> Commitment:
    """The leader's 2026 commitment with quarter 1 reviewed."""
    the_set = criteria.import_criteria_set(actor=None, filename="s.yaml", data=SAMPLE.read_bytes())
    assert leader.person is not None
    commitment = criteria.commit_to_criteria(
        actor=None, person=leader.person, unit=wards[0], year=2026, criteria_set=the_set
    )
    scores = {k: 9 for k in the_set.criteria.values_list("key", flat=True)}
    submitted = criteria.save_self_assessment(
        actor=leader, commitment=commitment, quarter=1, scores=scores, submit=True
    )
    criteria.review_assessment(
        actor=district_organiser, assessment=submitted, comment="Hoàn thành tốt nhiệm vụ quý."
    )
    return commitment


@pytest.fixture
def honour(leader: User, wards: list[Unit]) -> Honouree:
    assert leader.person is not None
    return recognition.record_honouree(
        actor=None,
        full_name=leader.person.full_name,
        person=leader.person,
        unit=wards[0],
        level=Level.DISTRICT,
        year=2023,
        deed="Chỉ đạo giải phóng mặt bằng không phát sinh khiếu kiện",
        decision_number="3521/QĐ-UBND",
        decision_date=dt.date(2023, 12, 20),
    )


@pytest.fixture
def full_record(published_round: Round, reviewed_quarter: Commitment, honour: Honouree) -> Round:
    """Everything of the first ward's Party Secretary: feedback, criteria, recognition."""
    return published_round
