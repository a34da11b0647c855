"""Pure transition table of a remediation plan (kế hoạch khắc phục).

draft → submitted → returned (with comments) → submitted … → approved → in progress →
completed. Each state is set by exactly one service, which asks :func:`check_plan`
first, so an illegal move fails the same way from the web, the API and the command line.
After approval the text never changes: a change is a new version (see ``REVISABLE``).
"""

from __future__ import annotations

from enum import StrEnum


class PlanState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


# action → (states it may start from, state it leads to)
PLAN_TRANSITIONS: dict[str, tuple[frozenset[PlanState], PlanState]] = {
    "submit": (frozenset({PlanState.DRAFT, PlanState.RETURNED}), PlanState.SUBMITTED),
    "return": (frozenset({PlanState.SUBMITTED}), PlanState.RETURNED),
    "approve": (frozenset({PlanState.SUBMITTED}), PlanState.APPROVED),
    "start": (frozenset({PlanState.APPROVED}), PlanState.IN_PROGRESS),
    "complete": (frozenset({PlanState.IN_PROGRESS}), PlanState.COMPLETED),
}

# The leader edits the text of a plan only in these states.
EDITABLE: frozenset[PlanState] = frozenset({PlanState.DRAFT, PlanState.RETURNED})
# A plan in these states changes only through a new version with a reason.
REVISABLE: frozenset[PlanState] = frozenset({PlanState.APPROVED, PlanState.IN_PROGRESS})
# Progress is reported only while the plan is carried out.
REPORTABLE: frozenset[PlanState] = frozenset({PlanState.IN_PROGRESS})
# States in which the plan binds the leader (counted as "approved" in reports).
BINDING: frozenset[PlanState] = frozenset(
    {PlanState.APPROVED, PlanState.IN_PROGRESS, PlanState.COMPLETED}
)


class TransitionError(ValueError):
    """The requested move is not allowed from the current state."""

    def __init__(self, action: str, current: str) -> None:
        super().__init__(f"cannot {action} a plan in state {current}")
        self.action = action
        self.current = current


def check_plan(action: str, current: str) -> PlanState:
    """Return the state a plan moves to by *action*, or raise TransitionError."""
    sources, target = PLAN_TRANSITIONS[action]
    if current not in {s.value for s in sources}:
        raise TransitionError(action, current)
    return target


def allowed_actions(current: str) -> list[str]:
    """Return the actions that may be taken from *current*, in table order."""
    return [a for a, (sources, _t) in PLAN_TRANSITIONS.items() if current in sources]
