"""The product mix: how a batch of real copies is drawn, copy by copy, from a seed.

Used by the benchmark (``bench/omr.py``) for its thousands of pages and by the reader's
tests to rebuild one page the benchmark found hard. Each copy of a seed is drawn from
its own random stream (``[seed, copy, …]``), so copy 869 of seed 4711 is the same page
whether a run draws one copy or fifteen thousand.

The mix says what respondents and offices mostly do: clear ticks and crosses, some
pencil, rare doubtful marks (:data:`MIX_STYLES`), captured as clean scans at 150, 200 or
300 dpi, phone photos, 1-bit scans, folded or dog-eared pages and pages of another box
or questionnaire version (:data:`MIX_PROFILES`). A ``stress_share`` of copies draws
every mark style equally often instead, for per-style figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from phieukin.paper.corpus import capture
from phieukin.paper.corpus.deck import ALL_STYLES, Corpus, SynthPage, sample_spec, small_spec
from phieukin.paper.layout import BallotLayout, build_layout

BOX_ID = 34  # the box every copy of the mix belongs to (other_box copies: the next one)

MIX_STYLES = {
    "blank": 0.15,
    "tick": 0.26,
    "cross": 0.26,
    "ballpoint": 0.04,
    "fill": 0.06,
    "circle": 0.04,
    "pencil_tick": 0.09,
    "pencil_cross": 0.0936,
    "light_pencil": 0.0015,
    "very_light": 0.0008,
    "dot": 0.0006,
    "dash": 0.0006,
    "spill": 0.0005,
    "erased": 0.0005,
    "erased_new": 0.0005,
    "correction": 0.0005,
    "stray": 0.0004,
    "smudge": 0.0004,
    "double": 0.0005,
}
# Page styles (scans at 150/200/300 dpi are "scan"; "other_box" and "other_version" are
# clean scans of copies that must be refused).
MIX_PROFILES = {
    "scan": 0.54,
    "phone": 0.12,
    "sideways": 0.02,
    "skewed": 0.02,
    "shadow": 0.02,
    "crumpled": 0.02,
    "showthrough": 0.06,
    "fold": 0.06,
    "dogear": 0.03,
    "upside_down": 0.04,
    "bilevel": 0.02,
    "low_res": 0.01,
    "low_contrast": 0.01,
    "other_box": 0.015,
    "other_version": 0.015,
}
DPIS = (150.0, 200.0, 300.0)
DPI_WEIGHTS = (0.3, 0.45, 0.25)
# A mark whose stroke keeps on average less than this depth (a share of the paper's
# brightness) in the captured image is erased by the capture (:func:`mark_left`): drawn,
# the lightest pencil is 0.12 deep; the very light ticks that readers once missed and now
# send to review kept 0.019–0.041 (benchmark seeds 4711–4722).
ERASED_LEFT = 0.01
SMALL_SHARE = 0.1  # copies of the small one-page questionnaire (7 items, 3 options)


@dataclass(frozen=True)
class CopyPlan:
    """What one copy is: which questionnaire (``kind``), captured how, and what to expect.

    ``expect`` names the refusal a careful operator expects for the whole copy
    (``other_box``, ``other_version``), None when its pages must be read.
    """

    kind: str
    profile: str
    stress: bool
    expect: str | None
    dpi: float = 200.0


_corpora: dict[str, Corpus] = {}


def corpus(kind: str) -> Corpus:
    """Return the (cached) corpus of a copy kind: its questionnaire rendered once."""
    if kind not in _corpora:
        if kind == "sample":
            _corpora[kind] = Corpus(sample_spec(), box_id=BOX_ID)
        elif kind == "small":
            _corpora[kind] = Corpus(small_spec(items=7, options=3), box_id=BOX_ID)
        elif kind == "other_box":
            _corpora[kind] = Corpus(sample_spec(), box_id=BOX_ID + 1)
        elif kind == "other_version":  # another version of the small questionnaire
            _corpora[kind] = Corpus(small_spec(items=7, options=3, version=3), box_id=BOX_ID)
        else:
            raise ValueError(f"unknown copy kind {kind!r}")
    return _corpora[kind]


def layouts() -> dict[tuple[str, int], BallotLayout]:
    """Return the layouts of the box's own questionnaires, by (code, version)."""
    return {
        (spec.code, spec.version): build_layout(spec)
        for spec in (sample_spec(), small_spec(items=7, options=3))
    }


# The page styles a targeted sample draws from: every style the reader must read (the
# captures that must be refused, copies of another box or version, and dog-ears, which
# may hide the QR, are left out).
SAMPLE_PROFILES = tuple(
    p
    for p in MIX_PROFILES
    if p not in capture.EXPECTED_REFUSAL and p not in ("other_box", "other_version", "dogear")
)


def sample_page(
    seed: int,
    number: int,
    styles: tuple[str, ...],
    profiles: tuple[str, ...] = SAMPLE_PROFILES,
    *,
    leave_out: str | None = None,
    keep_render: bool = False,
) -> SynthPage:
    """Draw page ``number`` of a targeted sample of ``seed``: every item in ``styles``.

    Its page style is drawn evenly from ``profiles``, its resolution as the mix's, and the
    page from the long questionnaire, all from the random stream ``[seed, number]``: page
    522 of seed 54 is the same page whatever else a sample draws. ``bench/omr_sample.py``
    draws its samples so, and the reader's tests keep pages of them by seed and number.
    ``leave_out`` and ``keep_render`` are those of ``Corpus.page`` (see
    :func:`sample_mark_left`).
    """
    rng = np.random.default_rng([seed, number])
    profile = str(rng.choice(list(profiles)))
    dpi = float(rng.choice(DPIS, p=DPI_WEIGHTS))
    source = corpus("sample")
    index = int(rng.integers(len(source.payloads())))
    return source.page(
        index,
        rng,
        dpi=dpi,
        profile=profile,
        styles=styles,
        leave_out=leave_out,
        keep_render=keep_render,
    )


def plan_copy(seed: int, copy: int, stress_share: float) -> CopyPlan:
    """Draw what copy ``copy`` of ``seed`` is (its questionnaire and page style)."""
    rng = np.random.default_rng([seed, copy, 0])
    stress = bool(rng.random() < stress_share)
    profile = str(rng.choice(list(MIX_PROFILES), p=list(MIX_PROFILES.values())))
    kind = "small" if rng.random() < SMALL_SHARE else "sample"
    if profile in ("other_box", "other_version"):
        return CopyPlan(profile, "scan", stress, profile)
    return CopyPlan(kind, profile, stress, None)


def copy_pages(
    seed: int,
    copy: int,
    stress_share: float,
    leave_out: tuple[int, str] | None = None,
    *,
    keep_render: bool = False,
) -> list[tuple[SynthPage, CopyPlan]]:
    """Generate the pages of one printed copy, each with the copy's plan (and its dpi).

    ``leave_out`` (page index, item key): the same copy with that item's marks left off.
    """
    plan = plan_copy(seed, copy, stress_share)
    source = corpus(plan.kind)
    rng = np.random.default_rng([seed, copy, 1])
    dpi = float(rng.choice(DPIS, p=DPI_WEIGHTS))
    per_copy = source.layout.page_count
    first = int(rng.integers(0, len(source.payloads()) // per_copy)) * per_copy
    if plan.stress:
        styles, weights = ALL_STYLES, None
    else:
        styles, weights = tuple(MIX_STYLES), tuple(MIX_STYLES.values())
    drawn = CopyPlan(plan.kind, plan.profile, plan.stress, plan.expect, dpi)
    return [
        (
            source.page(
                index,
                rng,
                dpi=dpi,
                profile=plan.profile,
                styles=styles,
                weights=weights,
                leave_out=(leave_out[1] if leave_out and leave_out[0] == index - first else None),
                keep_render=keep_render,
            ),
            drawn,
        )
        for index in range(first, first + per_copy)
    ]


@dataclass(frozen=True)
class MarkTrace:
    """How dark an item's marks are drawn and how dark they are left after capture."""

    drawn: float  # on the page, before capture
    left: float  # in the captured image the reader gets
    mean_left: float  # ... on average over the stroke as drawn (its darker half)


def _trace(with_marks: np.ndarray, without: np.ndarray, px: float) -> tuple[float, np.ndarray]:
    """Return the smoothed depth of the darkest spot of a mark, and its smoothed depth map."""
    a = with_marks.astype(np.float32)
    b = without.astype(np.float32)
    if a.ndim == 3:
        a, b = a.mean(axis=2), b.mean(axis=2)
    paper = float(np.percentile(b[::7, ::7], 90))
    depth = cv2.GaussianBlur(b - a, (0, 0), 0.2 * px) / max(paper, 1.0)
    return float(depth.max()), depth


def mark_left(seed: int, copy: int, stress_share: float, page: int, key: str) -> MarkTrace:
    """Return how dark item ``key``'s marks are drawn and how dark they are left by capture.

    The copy is generated twice, with and without those marks (every other draw the
    same), and the two renders and the two captured images compared: the depth (share of
    the paper's brightness) of the darkest spot of their difference, smoothed over
    0.2 mm, and the average depth left over as many pixels as the drawn stroke's darker
    half covers (the darkest of the capture's difference: the capture moves the page).
    A light mark on paper that the capture's light pushed past white (a phone's
    overexposure clips paper and mark alike) keeps little or nothing of its depth: such
    a mark is not in the image a reader gets, whatever the reader does.
    """
    with_marks, plan = copy_pages(seed, copy, stress_share, keep_render=True)[page]
    without, _plan = copy_pages(seed, copy, stress_share, (page, key), keep_render=True)[page]
    return _mark_trace(with_marks, without, plan.dpi)


def sample_mark_left(
    seed: int,
    number: int,
    styles: tuple[str, ...],
    profiles: tuple[str, ...],
    key: str,
) -> MarkTrace:
    """:func:`mark_left` for page ``number`` of a targeted sample (:func:`sample_page`)."""
    with_marks = sample_page(seed, number, styles, profiles, keep_render=True)
    without = sample_page(seed, number, styles, profiles, leave_out=key, keep_render=True)
    return _mark_trace(with_marks, without, with_marks.dpi)


def _mark_trace(with_marks: SynthPage, without: SynthPage, dpi: float) -> MarkTrace:
    """Compare a page drawn with and without an item's marks (see :func:`mark_left`)."""
    assert with_marks.render is not None and without.render is not None
    px = dpi / 25.4
    drawn, drawn_map = _trace(with_marks.render, without.render, px)
    left, left_map = _trace(with_marks.image, without.image, px)
    stroke = int(np.count_nonzero(drawn_map > drawn / 2))
    # The capture moves the page: compare the same number of its darkest pixels.
    darkest = np.sort(left_map.ravel())[-stroke:] if stroke else np.zeros(1)
    return MarkTrace(drawn, left, float(darkest.mean()))
