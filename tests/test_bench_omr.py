"""The OMR benchmark's accounting: the estimate for the product mix weighs each style as the mix
does, and a reviewed copy's rows read as "no answer" count as asked, as the product asks them."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.omr import _mix_estimate
from phieukin.paper.corpus.mix import MIX_STYLES


def _one_in(line: str) -> list[int]:
    """Return the N of every "1 in N" the line prints."""
    return [int(part.split()[0]) for part in line.split("1 in ")[1:]]


def test_a_miss_rate_counts_at_its_style_share_of_the_mix() -> None:
    # 2.000 items of 5 boxes; 1 % of the very light ticks missed.
    by_style = {
        "tick": Counter(right=900, review=100),
        "very_light": Counter(right=10, review=980, wrong=10),
    }
    line = _mix_estimate(by_style, positions=10_000, reviewed=0.2)
    per_item = MIX_STYLES["very_light"] / sum(MIX_STYLES.values()) * 10 / 1000
    per_position = per_item * 2000 / 10_000
    assert _one_in(line) == [round(1 / per_position), round(1 / (per_position * 0.8))]
    assert "from 10 silent errors" in line
    assert "20.0 % of its copies reviewed" in line


def test_the_same_misses_weigh_more_in_a_style_the_mix_holds_more_of() -> None:
    misses = {"right": 90, "review": 0, "wrong": 10}
    ticks = _mix_estimate({"tick": Counter(misses)}, positions=5_000_000, reviewed=0.0)
    light = _mix_estimate({"very_light": Counter(misses)}, positions=5_000_000, reviewed=0.0)
    ratio = _one_in(light)[0] / _one_in(ticks)[0]
    assert ratio == pytest.approx(MIX_STYLES["tick"] / MIX_STYLES["very_light"], rel=1e-3)


def test_no_silent_error_gives_no_rate() -> None:
    line = _mix_estimate({"tick": Counter(right=50)}, positions=250, reviewed=0.1)
    assert "no item style had a silent error" in line
    assert "1 in" not in line


def test_a_targeted_sample_refuses_a_style_it_does_not_know(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bench.omr_sample import _choice
    from phieukin.paper.corpus.deck import ALL_STYLES
    from phieukin.paper.corpus.marks import DOUBTFUL_STYLES

    monkeypatch.setenv("BENCH_SAMPLE_STYLES", "erased, erasd")
    with pytest.raises(ValueError, match="unknown erasd"):
        _choice("BENCH_SAMPLE_STYLES", DOUBTFUL_STYLES, ALL_STYLES)
    monkeypatch.setenv("BENCH_SAMPLE_STYLES", " erased,smudge ")
    assert _choice("BENCH_SAMPLE_STYLES", DOUBTFUL_STYLES, ALL_STYLES) == ("erased", "smudge")
    monkeypatch.delenv("BENCH_SAMPLE_STYLES")
    assert _choice("BENCH_SAMPLE_STYLES", DOUBTFUL_STYLES, ALL_STYLES) == DOUBTFUL_STYLES
    assert all(style in ALL_STYLES for style in DOUBTFUL_STYLES)


def test_a_copy_with_a_doubt_has_its_rows_read_as_no_answer_asked() -> None:
    from bench.omr import _asked

    rows = [
        ("nd01", "marked", "right", True),
        ("nd02", "ambiguous", "review", True),
        ("nd03", "empty", "right", True),  # a blank, asked
        ("nd04", "empty", "wrong", False),  # a very light tick the reader missed, asked
        ("nd05", "marked", "wrong", True),  # a wrong option: shown, not asked
    ]
    assert _asked(rows) == (2, 1, 1)


def test_a_copy_without_doubt_has_nothing_asked_whatever_it_missed() -> None:
    from bench.omr import _asked

    rows = [("nd01", "marked", "right", True), ("nd02", "empty", "wrong", False)]
    assert _asked(rows) == (0, 0, 0)
