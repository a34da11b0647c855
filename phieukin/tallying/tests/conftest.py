"""Fixtures of the tallying tests: sealed boxes filled with ballots made directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from phieukin.ballots.models import Ballot, BallotSource
from phieukin.questionnaires.models import Questionnaire
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, RespondentGroup, Round, Subject
from phieukin.rounds.services import create_round, open_round
from phieukin.units.models import PositionType, Unit

MakeBallots = Callable[..., list[Ballot]]


@pytest.fixture
def make_ballots() -> MakeBallots:
    """Return a factory: ``make_ballots(subject, n, answers=..., group=..., valid=...)``."""

    def make(
        subject: Subject,
        n: int,
        *,
        answers: str = "0" * 21,
        group: RespondentGroup | None = None,
        valid: bool = True,
        comment: str = "",
        source: str = BallotSource.ONLINE,
    ) -> list[Ballot]:
        box = BallotBox.objects.get(conference_id=subject.conference_id)
        return Ballot.objects.bulk_create(
            Ballot(
                box=box,
                subject=subject,
                group=group,
                source=source,
                valid=valid,
                answers=answers,
                comment=comment,
            )
            for _ in range(n)
        )

    return make


def seal_all(rnd: Round) -> None:
    """Mark every box of the round sealed (the fixture stands in for the counting flow)."""
    BallotBox.objects.filter(conference__round=rnd).update(state=BoxState.SEALED.value)


def subjects_of(rnd: Round) -> list[Subject]:
    """Return the round's subjects, ward by ward in Vietnamese order, then by order."""
    return list(
        Subject.objects.filter(conference__round=rnd).order_by(
            "conference__unit__sort_key", "order", "id"
        )
    )


@pytest.fixture
def earlier_round(district: Unit, wards: list[Unit], questionnaire: Questionnaire) -> Round:
    """Return an opened round 1/2026 over the same three wards (before ``draft_round``)."""
    rnd = create_round(
        actor=None,
        organiser_unit=district,
        title="Đợt I/2026",
        year=2026,
        number=1,
        questionnaire=questionnaire,
        position_types=PositionType.objects.all(),
        wards=wards[:3],
        conference_date=dt.date(2026, 5, 20),
    )
    return open_round(actor=None, round=rnd)
