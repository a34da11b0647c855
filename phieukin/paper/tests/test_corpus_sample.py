"""A small sample of every mark style and every page style: no visible mark is ever read
as "no answer", nothing is read wrongly without review, and untrustworthy scans are refused.

The seeds here were never used to tune the reader; the benchmark (``bench/omr.py``) runs
the same checks over thousands of pages.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from phieukin.paper.corpus import capture
from phieukin.paper.corpus.deck import ALL_STYLES, Corpus, Score, small_spec
from phieukin.paper.layout import BallotLayout
from phieukin.paper.omr.reader import read_page
from phieukin.paper.omr.types import PageRefused, SheetId

SEED = 424242


@cache
def corpus() -> Corpus:
    return Corpus(small_spec(items=7, options=3))


def _layout_for(sheet: SheetId) -> BallotLayout:
    return corpus().layout


READ_PROFILES = [p for p in capture.PROFILES if p not in capture.EXPECTED_REFUSAL]


@pytest.mark.parametrize("profile", READ_PROFILES)
def test_every_mark_style_on_every_kind_of_page_gives_no_silent_error(profile: str) -> None:
    score = Score()
    for index in range(3):
        rng = np.random.default_rng([SEED, index, capture.PROFILES.index(profile)])
        dpi = (150.0, 200.0, 300.0)[index]
        page = corpus().page(0, rng, dpi=dpi, profile=profile, styles=ALL_STYLES)
        try:
            reading = read_page(page.image, _layout_for)
        except PageRefused as exc:
            acceptable = capture.MAY_REFUSE.get(profile, ())
            assert page.refusal is not None or exc.reason in acceptable, (
                f"{profile}@{dpi}: refused {exc.reason}"
            )
            continue
        assert page.refusal is None, f"{profile}@{dpi}: read although {page.refusal}"
        assert reading.sheet.payload() == page.sheet_payload
        for item in reading.items:
            score.add(item.item_key, page.truth[item.item_key], item.status, item.option_index)
    assert score.silent_errors == 0, score.errors


@pytest.mark.parametrize("profile", sorted(capture.EXPECTED_REFUSAL))
def test_scans_that_cannot_be_trusted_are_refused_with_their_reason(profile: str) -> None:
    rng = np.random.default_rng([SEED, 99])
    page = corpus().page(0, rng, dpi=200, profile=profile)
    with pytest.raises(PageRefused) as caught:
        read_page(page.image, _layout_for)
    assert caught.value.reason == capture.EXPECTED_REFUSAL[profile]


def test_clear_marks_are_read_without_review_on_scans() -> None:
    score = Score()
    clear = ("tick", "cross", "fill", "circle", "pencil_tick", "pencil_cross", "blank")
    for index in range(4):
        rng = np.random.default_rng([SEED, 7, index])
        page = corpus().page(0, rng, dpi=(150.0, 200.0, 300.0, 200.0)[index], styles=clear)
        for item in read_page(page.image, _layout_for).items:
            score.add(item.item_key, page.truth[item.item_key], item.status, item.option_index)
    assert score.silent_errors == 0, score.errors
    assert score.clear_read >= score.clear - 1  # at most one clear item of 28 asks a person


def test_the_corpus_generator_imports_nothing_of_the_reader() -> None:
    folder = Path(__file__).resolve().parents[1] / "corpus"
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                assert not name.startswith("phieukin.paper.omr"), f"{path.name} imports {name}"


def test_a_targeted_sample_draws_only_what_it_is_asked_for_and_the_same_page_twice() -> None:
    from phieukin.paper.corpus.mix import SAMPLE_PROFILES, sample_page

    assert "dogear" not in SAMPLE_PROFILES and "bilevel" not in SAMPLE_PROFILES
    drawn = [sample_page(61, number, ("smudge", "stray"), ("fold", "phone")) for number in (0, 1)]
    for page in drawn:
        assert page.profile in ("fold", "phone") and page.refusal is None
        assert {truth.style for truth in page.truth.values()} <= {"smudge", "stray"}
    again = sample_page(61, 1, ("smudge", "stray"), ("fold", "phone"))
    assert (again.profile, again.dpi) == (drawn[1].profile, drawn[1].dpi)
    assert np.array_equal(again.image, drawn[1].image)
    assert not np.array_equal(drawn[0].image, drawn[1].image)  # another number, another page


def test_a_sample_measures_what_the_capture_left_of_a_mark() -> None:
    from phieukin.paper.corpus.marks import DOUBTFUL_STYLES
    from phieukin.paper.corpus.mix import ERASED_LEFT, SAMPLE_PROFILES, sample_mark_left

    # Page 68 of seed 57 (every doubtful style, a crumpled 200 dpi page): nd04's very
    # light tick is drawn, but the capture left next to nothing of it.
    faint = sample_mark_left(57, 68, DOUBTFUL_STYLES, SAMPLE_PROFILES, "nd04")
    assert faint.drawn > 0.05 and faint.mean_left < ERASED_LEFT, faint
    # A pen tick on a clean scan keeps most of its depth.
    pen = sample_mark_left(57, 1, ("tick",), ("scan",), "nd04")
    assert pen.mean_left > 0.3 and pen.drawn > 0.4, pen
