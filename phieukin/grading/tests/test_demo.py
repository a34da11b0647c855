"""The demo of both exercises: a 2023 session with 13 speakers, gradings for 2024 and 2025."""

from __future__ import annotations

import io

import pytest

from phieukin.accounts.models import User
from phieukin.audit.models import AuditEvent
from phieukin.grading import demo as grading_demo
from phieukin.grading.models import Grading, GradingYear, Step, SubjectKind
from phieukin.grading.selectors import exceeded_caps
from phieukin.selfcheck import demo as selfcheck_demo
from phieukin.selfcheck.models import Finding, Session
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_both_exercises_once(
    district: Unit,
    district_organiser: User,
    standing: User,
    ward_organiser: User,
    leader: User,
    wards: list[Unit],
) -> None:
    out = io.StringIO()
    selfcheck_demo.seed(stdout=out)
    grading_demo.seed(stdout=out)
    session = Session.objects.get(period="2023")
    assert (session.unit, session.speakers) == (wards[0], 13)
    assert Finding.objects.filter(entry__session=session).count() >= 4
    assert Finding.objects.filter(entry__session=session, status="done").exists()
    y2024 = GradingYear.objects.get(year=2024)
    y2025 = GradingYear.objects.get(year=2025)
    assert (y2024.regulation, y2025.regulation) == ("QD124", "QD366")
    assert not Grading.objects.filter(year=y2024).exclude(step=Step.DECIDED).exists()
    collectives = Grading.objects.filter(year=y2025, kind=SubjectKind.COLLECTIVE)
    assert not collectives.exclude(step=Step.DECIDED).exists()
    assert all(g.decided_total is not None for g in collectives)
    assert exceeded_caps(y2025)
    # The leader of the first ward assessed themself.
    own = Grading.objects.get(year=y2025, person=leader.person, unit=wards[0])
    assert own.self_by == leader
    events = AuditEvent.objects.count()
    selfcheck_demo.seed(stdout=out)
    grading_demo.seed(stdout=out)
    assert AuditEvent.objects.count() == events
