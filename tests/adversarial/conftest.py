"""Fixtures of the red-team tests: a realistic voting session on ward 0's box.

``session`` opens the box, records attendance, casts online ballots in a known order
(each respondent's comments carry a marker so tests know which submission a stored row
came from), has the counter type paper sheets, closes and seals the box. The plain
codes, receipts and markers are kept so tests can search dumps and logs for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from phieukin.accounts.models import User
from phieukin.ballots import services
from phieukin.ballots.services import SheetInput, shapes_for
from phieukin.paper import services as paper
from phieukin.rounds.models import BallotBox, RespondentGroup, Subject
from phieukin.rounds.services import record_attendance

ONLINE = 7
TYPED = 2


def full_sheets(box: BallotBox, option_index: int, comment: str = "") -> list[SheetInput]:
    """Return one fully answered sheet per leader of *box* (the same option everywhere)."""
    shapes = shapes_for(box)
    return [
        SheetInput(
            subject_id=subject.pk,
            answers={s.key: s.option_keys[option_index % len(s.option_keys)] for s in shapes},
            comment=f"{comment}-s{subject.pk}" if comment else "",
        )
        for subject in Subject.objects.filter(conference=box.conference).order_by("pk")
    ]


@dataclass
class Session:
    """What the adversary's victims did, kept by the test to search for it."""

    box: BallotBox
    codes: list[str] = field(default_factory=list)
    used_codes: list[str] = field(default_factory=list)
    receipts: list[list[str]] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    typists: list[User] = field(default_factory=list)


def run_session(
    box: BallotBox,
    *,
    typist: User | None,
    online: int = ONLINE,
    typed: int = TYPED,
    group: RespondentGroup | None = None,
    seal: bool = True,
) -> Session:
    """Vote *online* times, type *typed* paper sheets per leader, then close and seal."""
    services.open_box(actor=None, box=box)
    session = Session(box=box)
    session.codes = services.generate_codes(actor=None, box=box, count=online + 3, group=group)
    for order in range(online):
        code = session.codes[order]
        marker = f"mk{order:03d}"
        receipts = services.cast_ballot(
            code=code, sheets=full_sheets(box, order % 4, f"{marker}-online")
        )
        session.used_codes.append(code)
        session.receipts.append(receipts)
        session.markers.append(marker)
    shapes = shapes_for(box)
    for n in range(typed):
        for subject in Subject.objects.filter(conference=box.conference).order_by("pk"):
            paper.enter_typed_sheet(
                actor=typist,
                box=box,
                subject=subject,
                keys="".join(str(1 + (n % min(3, len(s.option_keys)))) for s in shapes),
                comment=f"paper{n:03d}-s{subject.pk}",
            )
    if typist is not None:
        session.typists.append(typist)
    record_attendance(
        actor=None, conference=box.conference, invited=online + typed + 2, present=online + typed
    )
    services.record_paper_counts(actor=None, box=box, issued=typed + 1, returned=typed)
    services.close_box(actor=None, box=box)
    if seal:
        services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    box.refresh_from_db()
    return session


@pytest.fixture
def session(box: BallotBox, counter: User) -> Session:
    """Return a sealed session on ward 0's box: 7 online respondents, 2 typed sheets each leader."""
    return run_session(box, typist=counter)


@pytest.fixture
def other_box(open_round_: Any, wards: list[Any]) -> BallotBox:
    """Return ward 1's box (the outsider's ward), prepared."""
    return BallotBox.objects.get(conference__round=open_round_, conference__unit=wards[1])
