"""The plan's transition table, without a database."""

from __future__ import annotations

import pytest

from phieukin.followup import lifecycle
from phieukin.followup.lifecycle import PlanState


def test_the_workflow_runs_draft_submitted_approved_in_progress_completed() -> None:
    state = PlanState.DRAFT.value
    for action in ("submit", "approve", "start", "complete"):
        state = lifecycle.check_plan(action, state).value
    assert state == PlanState.COMPLETED


def test_a_returned_plan_is_submitted_again() -> None:
    returned = lifecycle.check_plan("return", PlanState.SUBMITTED)
    assert lifecycle.check_plan("submit", returned) == PlanState.SUBMITTED


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("approve", PlanState.DRAFT),
        ("approve", PlanState.RETURNED),
        ("approve", PlanState.APPROVED),
        ("return", PlanState.DRAFT),
        ("return", PlanState.APPROVED),
        ("start", PlanState.SUBMITTED),
        ("complete", PlanState.APPROVED),
        ("submit", PlanState.APPROVED),
        ("submit", PlanState.COMPLETED),
    ],
)
def test_an_illegal_move_is_refused(action: str, state: PlanState) -> None:
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.check_plan(action, state)


def test_only_draft_and_returned_plans_are_editable() -> None:
    assert {PlanState.DRAFT, PlanState.RETURNED} == lifecycle.EDITABLE
    assert not lifecycle.EDITABLE & lifecycle.REVISABLE


def test_allowed_actions_follow_the_table() -> None:
    assert lifecycle.allowed_actions(PlanState.SUBMITTED) == ["return", "approve"]
    assert lifecycle.allowed_actions(PlanState.COMPLETED) == []
