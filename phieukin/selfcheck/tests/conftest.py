"""Fixtures of the self-check: the shipped checklist and a ward's 2023 session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from phieukin.accounts.models import User
from phieukin.selfcheck import services
from phieukin.selfcheck.models import Checklist, Session
from phieukin.units.models import Unit

DATA = Path(__file__).resolve().parents[2] / "data" / "chi-thi-24-bieu-hien.yaml"


@pytest.fixture
def checklist(district: Unit) -> Checklist:
    """Return the shipped 21-item checklist (5 verified, 16 drafts), imported."""
    return services.import_checklist(
        actor=None, data=DATA.read_bytes(), filename="chi-thi-24-bieu-hien.yaml"
    )


@pytest.fixture
def session(checklist: Checklist, wards: list[Unit], ward_organiser: User) -> Session:
    """Return the first ward's 2023 session, recorded by its office (13 speakers)."""
    return services.create_session(
        actor=ward_organiser,
        unit=wards[0],
        period="2023",
        checklist=checklist,
        title="",
        held_on=dt.date(2023, 9, 15),
        participants=52,
        speakers=13,
    )
