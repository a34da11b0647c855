"""Pure transition tables of a round and of a ballot box.

Each state is set by exactly one service; the services ask :func:`check_round` or
:func:`check_box` first, so an illegal move fails the same way from the web, the API and
the command line.
"""

from __future__ import annotations

from enum import StrEnum


class RoundState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"


class BoxState(StrEnum):
    PREPARED = "prepared"
    OPEN = "open"
    CLOSED = "closed"
    SEALED = "sealed"


class RoundAction(StrEnum):
    OPEN = "open"
    CLOSE = "close"
    PUBLISH = "publish"


class BoxAction(StrEnum):
    OPEN = "open"
    CLOSE = "close"
    REOPEN = "reopen"
    SEAL = "seal"


ROUND_TRANSITIONS: dict[str, tuple[RoundState, RoundState]] = {
    RoundAction.OPEN: (RoundState.DRAFT, RoundState.OPEN),
    RoundAction.CLOSE: (RoundState.OPEN, RoundState.CLOSED),
    RoundAction.PUBLISH: (RoundState.CLOSED, RoundState.PUBLISHED),
}

BOX_TRANSITIONS: dict[str, tuple[BoxState, BoxState]] = {
    BoxAction.OPEN: (BoxState.PREPARED, BoxState.OPEN),
    BoxAction.CLOSE: (BoxState.OPEN, BoxState.CLOSED),
    BoxAction.REOPEN: (BoxState.CLOSED, BoxState.OPEN),
    BoxAction.SEAL: (BoxState.CLOSED, BoxState.SEALED),
}


class TransitionError(ValueError):
    """The requested move is not allowed from the current state."""

    def __init__(self, action: str, current: str) -> None:
        super().__init__(f"cannot {action} from state {current}")
        self.action = action
        self.current = current


def check_round(action: str, current: str) -> RoundState:
    """Return the state a round moves to by *action*, or raise TransitionError."""
    source, target = ROUND_TRANSITIONS[action]
    if current != source:
        raise TransitionError(action, current)
    return target


def check_box(action: str, current: str) -> BoxState:
    """Return the state a box moves to by *action*, or raise TransitionError."""
    source, target = BOX_TRANSITIONS[action]
    if current != source:
        raise TransitionError(action, current)
    return target
