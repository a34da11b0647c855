"""Fixtures of the tallying tests: sealed boxes filled with ballots made directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from phieukin.ballots.models import Ballot, BallotSource, PendingBallot
from phieukin.questionnaires.models import Questionnaire
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, RespondentGroup, Round, Subject
from phieukin.rounds.services import create_round, open_round
from phieukin.units.models import PositionType, Unit

MakeBallots = Callable[..., list[Any]]


@pytest.fixture
def make_ballots() -> MakeBallots:
    """Return a factory: ``make_ballots(subject, n, answers=..., group=..., valid=...)``.

    Rows go into the sealed history (``Ballot``), for boxes the test marks sealed itself;
    ``pending=True`` puts them in the open-box table, for a box the test seals through
    ``seal_box``.
    """

    def make(
        subject: Subject,
        n: int,
        *,
        answers: str = "0" * 21,
        group: RespondentGroup | None = None,
        valid: bool = True,
        comment: str = "",
        source: str = BallotSource.ONLINE,
        pending: bool = False,
    ) -> list[Any]:
        box = BallotBox.objects.get(conference_id=subject.conference_id)
        fields = {
            "box": box,
            "subject": subject,
            "group": group,
            "source": source,
            "valid": valid,
            "answers": answers,
            "comment": comment,
        }
        if pending:
            return PendingBallot.objects.bulk_create(PendingBallot(**fields) for _ in range(n))
        return Ballot.objects.bulk_create(Ballot(**fields) for _ in range(n))

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
