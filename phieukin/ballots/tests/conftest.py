"""Fixtures of the ballot core: an open box with codes and a helper to fill sheets."""

from __future__ import annotations

from typing import Any

import pytest

from phieukin.ballots.services import SheetInput, generate_codes, open_box, shapes_for
from phieukin.rounds.models import BallotBox, Subject


@pytest.fixture
def open_box_(box: BallotBox) -> BallotBox:
    """Return the first ward's box, opened (its key shares kept for sealing)."""
    return open_box(actor=None, box=box).box


@pytest.fixture
def box_codes(open_box_: BallotBox) -> list[str]:
    """Return 20 fresh codes of the open box."""
    return generate_codes(actor=None, box=open_box_, count=20)


def full_sheets(box: BallotBox, option_index: int = 0, comment: str = "") -> list[SheetInput]:
    """Return one fully answered sheet per leader of the box (option by index)."""
    shapes = shapes_for(box)
    return [
        SheetInput(
            subject_id=subject.pk,
            answers={s.key: s.option_keys[option_index % len(s.option_keys)] for s in shapes},
            comment=comment,
        )
        for subject in Subject.objects.filter(conference=box.conference)
    ]


@pytest.fixture
def sheets(open_box_: BallotBox) -> Any:
    """Return a factory of fully answered sheets for the open box."""

    def make(option_index: int = 0, comment: str = "") -> list[SheetInput]:
        return full_sheets(open_box_, option_index, comment)

    return make
