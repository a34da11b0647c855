"""Fixtures of the follow-through: a published round with sealed ballots, personas.

The round is filled by the reports' fixture helper (ballots in the compact encoding,
boxes sealed); ward 0's Party Secretary (the ``leader`` persona) has a flagged item 1.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from phieukin.accounts.models import Membership, Role, User
from phieukin.followup import services
from phieukin.followup.models import CultivationPlan, RemediationPlan
from phieukin.reports.tests.conftest import fill_round
from phieukin.rounds.models import Round, Subject
from phieukin.rounds.services import publish_round
from phieukin.units.models import Position, Unit


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Keep evidence files of the tests out of the worktree's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def published_round(open_round_: Round) -> Round:
    """Return the round (first three wards) with every box filled, sealed and published."""
    fill_round(open_round_)
    return publish_round(actor=None, round=open_round_)


@pytest.fixture
def subject(leader: User, published_round: Round) -> Subject:
    """Return the leader's subject in the published round."""
    return Subject.objects.get(conference__round=published_round, person_id=leader.person_id or 0)


@pytest.fixture
def chair(wards: list[Unit]) -> User:
    """Return the first ward's People's Committee Chair as a leader user (another head)."""
    position = Position.objects.get(unit=wards[0], type__key="chu_tich_ubnd")
    person = position.holder_on(dt.date.today())
    user = User.objects.create_user(
        username="chutich1",
        password="pw",
        full_name=person.full_name if person else "",
        person=person,
    )
    Membership.objects.create(user=user, unit=wards[0], role=Role.LEADER)
    return user


@pytest.fixture
def supervisor(wards: list[Unit]) -> User:
    """Return the Fatherland Front supervisor of the first ward."""
    user = User.objects.create_user(username="mttq1", password="pw", full_name="MTTQ 1")
    Membership.objects.create(user=user, unit=wards[0], role=Role.SUPERVISOR)
    return user


def complete_measures(plan: RemediationPlan, actor: User, deadline: dt.date) -> None:
    """Fill every measure of *plan* so it can be submitted."""
    for measure in plan.measures.all():
        services.save_measure(
            actor=actor,
            plan=plan,
            measure=measure,
            data=services.MeasureInput(
                action="Tổ chức đối thoại trực tiếp với Nhân dân hằng quý",
                responsible="Đồng chí Bí thư",
                deadline=deadline,
                expected_result="Người dân đánh giá Tốt tăng",
            ),
        )


@pytest.fixture
def draft_plan(leader: User, subject: Subject) -> RemediationPlan:
    plan = services.start_plan(actor=leader, subject=subject)
    complete_measures(plan, leader, dt.date(2027, 3, 31))
    return plan


@pytest.fixture
def approved_plan(
    draft_plan: RemediationPlan, leader: User, district_organiser: User
) -> RemediationPlan:
    services.submit_plan(actor=leader, plan=draft_plan)
    return services.approve_plan(actor=district_organiser, plan=draft_plan)


@pytest.fixture
def posted_plan(leader: User, wards: list[Unit]) -> CultivationPlan:
    """Return the leader's posted self-cultivation plan for this year."""
    plan = services.save_cultivation_plan(
        actor=leader,
        person_id=leader.person_id or 0,
        unit=wards[0],
        year=dt.date.today().year,
        intro="Thực hiện Kết luận 21-KL/TW, tôi xây dựng kế hoạch như sau.",
        commitments=[
            services.CommitmentInput("ideology", "Kiên định mục tiêu, lý tưởng."),
            services.CommitmentInput("style", "Tiếp dân định kỳ vào thứ Năm hằng tuần."),
        ],
    )
    return services.post_cultivation_plan(actor=leader, plan=plan)
