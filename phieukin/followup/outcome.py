"""Pure comparison of a leader's ratings before and after a remediation plan.

For each measure tied to a questionnaire item, the item's mean in the round the plan
answered is compared with the mean in the next round: better, same or worse. A change
smaller than ``SAME_BAND`` counts as the same; a side with fewer than
``CAUTION_BALLOTS`` ballots carries a caution, because a handful of people can move a
mean by half a point. A suppressed figure (disclosure control) gives no movement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

SAME_BAND = 0.10
CAUTION_BALLOTS = 20


class Movement(StrEnum):
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Promise:
    """What a plan promised for one item."""

    item_key: str
    item_text: str
    action: str
    expected_result: str
    percent: int


@dataclass(frozen=True)
class ItemOutcome:
    """One promised item with its mean before and after."""

    promise: Promise
    before: float | None
    after: float | None
    movement: Movement
    caution: bool

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def movement(before: float | None, after: float | None, band: float = SAME_BAND) -> Movement:
    """Return how a mean moved (a higher mean is better; the scale runs Yếu 1 … Tốt 4)."""
    if before is None or after is None:
        return Movement.UNKNOWN
    change = after - before
    if change >= band - 1e-9:
        return Movement.BETTER
    if change <= -band + 1e-9:
        return Movement.WORSE
    return Movement.SAME


def compare(
    promises: Sequence[Promise],
    before: Mapping[str, float | None],
    after: Mapping[str, float | None],
    *,
    ballots_before: int | None,
    ballots_after: int | None,
    caution_below: int = CAUTION_BALLOTS,
) -> list[ItemOutcome]:
    """Return the outcome of each promise, in the promises' order."""
    few = any(n is None or n < caution_below for n in (ballots_before, ballots_after))
    out: list[ItemOutcome] = []
    for promise in promises:
        b = before.get(promise.item_key)
        a = after.get(promise.item_key)
        out.append(ItemOutcome(promise, b, a, movement(b, a), caution=few))
    return out


def posting_rate(posted: int, required: int) -> float | None:
    """Return posted / required as a fraction, None when nobody is required to post."""
    if required < 0 or posted < 0:
        raise ValueError("counts are never negative")
    if required == 0:
        return None
    return min(posted, required) / required
