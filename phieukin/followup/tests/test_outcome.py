"""The pure comparison of ratings before and after a plan, and the posting rate."""

from __future__ import annotations

import pytest

from phieukin.followup import outcome
from phieukin.followup.outcome import Movement, Promise


def _promise(key: str) -> Promise:
    return Promise(key, "text", "action", "result", 100)


def test_a_mean_that_rose_by_the_band_is_better_and_one_that_fell_is_worse() -> None:
    assert outcome.movement(2.8, 2.9) == Movement.BETTER
    assert outcome.movement(3.0, 2.9) == Movement.WORSE
    assert outcome.movement(3.0, 3.05) == Movement.SAME
    assert outcome.movement(None, 3.0) == Movement.UNKNOWN


def test_each_promise_is_compared_item_by_item() -> None:
    rows = outcome.compare(
        [_promise("a"), _promise("b"), _promise("c")],
        {"a": 2.5, "b": 3.2, "c": 3.0},
        {"a": 3.1, "b": 2.9, "c": None},
        ballots_before=100,
        ballots_after=90,
    )
    assert [r.movement for r in rows] == [Movement.BETTER, Movement.WORSE, Movement.UNKNOWN]
    assert rows[0].change == pytest.approx(0.6)
    assert not any(r.caution for r in rows)


def test_few_ballots_on_either_side_carry_a_caution() -> None:
    rows = outcome.compare(
        [_promise("a")], {"a": 2.0}, {"a": 3.0}, ballots_before=12, ballots_after=100
    )
    assert rows[0].caution
    rows = outcome.compare(
        [_promise("a")], {"a": 2.0}, {"a": 3.0}, ballots_before=None, ballots_after=100
    )
    assert rows[0].caution


def test_the_posting_rate_is_posted_over_required() -> None:
    assert outcome.posting_rate(27, 28) == pytest.approx(27 / 28)
    assert outcome.posting_rate(0, 4) == 0.0
    assert outcome.posting_rate(0, 0) is None
    with pytest.raises(ValueError):
        outcome.posting_rate(-1, 3)
