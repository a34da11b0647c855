"""The reviewer's view of a page with faint marks brought out (``omr.faint``)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from phieukin.paper.corpus.mix import layouts, sample_page
from phieukin.paper.omr import worker
from phieukin.paper.omr.faint import bring_out_faint
from phieukin.paper.omr.reader import SCALE


def _depth(image: np.ndarray, where: tuple[slice, slice], paper: tuple[slice, slice]) -> float:
    """Return how much darker than *paper* (the rows beside it, column by column) the rows
    *where* are: the median over the columns, so that the light's slope does not count."""
    inside = image[where].astype(np.float64).mean(axis=0)
    level = image[paper].astype(np.float64).mean(axis=0)
    return float(np.median(1.0 - inside / level))


def _page() -> np.ndarray:
    """A page's worth of paper with what a reviewer meets on it.

    Paper lit unevenly (200 at the left to 245 at the right), a pencil line 2 px wide and
    3 % darker than its paper, a filled box, and a wide soft shade 6 % deep.
    """
    rng = np.random.default_rng(5)
    height, width = 240, 320
    light = np.linspace(200, 245, width, dtype=np.float64)[None, :].repeat(height, 0)
    page = light.copy()
    page[60:62, 40:120] *= 0.97  # the faint line
    page[120:170, 40:90] = 55  # a filled box, wider than PAPER_MM
    yy, xx = np.mgrid[0:height, 0:width]
    page *= 1 - 0.06 * np.exp(-((yy - 150) ** 2 + (xx - 240) ** 2) / (2 * 25.0**2))
    page += rng.normal(0, 0.6, page.shape)
    return np.clip(page, 0, 255).astype(np.uint8)


def test_a_faint_line_is_deepened_the_shading_whitened_and_no_mark_shown_lighter() -> None:
    page = _page()
    shown = bring_out_faint(page)
    assert shown.shape == page.shape and shown.dtype == np.uint8
    line = (slice(60, 62), slice(50, 110))
    beside = (slice(66, 74), slice(50, 110))
    before, after = _depth(page, line, beside), _depth(shown, line, beside)
    assert 0.02 < before < 0.045
    assert after > 3 * before  # deepened (GAIN times, less what smoothing the grain takes)
    # The light's slope (45 grey levels across the page) comes out as white paper.
    paper = shown[10:50, 10:310].astype(np.float64).mean(axis=0)
    assert np.ptp(page[10:50, 10:310].mean(axis=0)) > 40
    assert np.ptp(paper) < 6 and paper.min() > 245
    # The filled box is as dark against its paper as on the scan.
    box = (slice(125, 165), slice(45, 85))
    left_of_it = (slice(125, 165), slice(100, 110))
    assert float(shown[box].mean()) / float(shown[left_of_it].mean()) <= (
        float(page[box].mean()) / float(page[left_of_it].mean()) + 0.02
    )
    # A shade wider than a stroke is not deepened.
    shade = (slice(145, 155), slice(235, 245))
    clear = (slice(145, 155), slice(300, 310))
    assert _depth(shown, shade, clear) < 1.3 * _depth(page, shade, clear) + 0.01


def test_only_a_greyscale_image_is_taken() -> None:
    with pytest.raises(ValueError):
        bring_out_faint(np.zeros((10, 10, 3), dtype=np.uint8))
    with pytest.raises(ValueError):
        bring_out_faint(np.zeros((10, 10), dtype=np.float32))
    assert bring_out_faint(np.zeros((0, 0), dtype=np.uint8)).size == 0


def test_a_very_light_tick_the_reader_missed_on_a_crumpled_sheet_is_plain_in_the_view() -> None:
    # Seed 59 page 423 (a crumpled sheet, 200 dpi): item nd17's very light tick in its
    # third box is read "no answer" (the creases and facets make the row's blank boxes
    # as dark). The whole-page image a reviewer sees shows it several times deeper.
    worker._init(layouts(), 0)
    page = sample_page(59, 423, ("light_pencil", "very_light", "dot", "dash", "blank"))
    assert page.profile == "crumpled" and page.truth["nd17"].inked == (2,)
    result = worker.read_image(page.image)
    assert result.reading is not None
    item = next(i for i in result.reading.items if i.item_key == "nd17")
    assert item.status == "empty"  # the miss this view is for
    canon = cv2.imdecode(np.frombuffer(result.page_jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert canon is not None
    layout = worker._layout_for(result.reading.sheet).page(result.reading.sheet.page)
    boxes = next(i for i in layout.items if i.key == "nd17").boxes

    def interior(n: int) -> tuple[slice, slice]:
        b, inset = boxes[n], 0.9
        return (
            slice(round((b.y + inset) * SCALE), round((b.y + b.h - inset) * SCALE)),
            slice(round((b.x + inset) * SCALE), round((b.x + b.w - inset) * SCALE)),
        )

    def contrast(image: np.ndarray, n: int) -> float:
        inside = image[interior(n)].astype(np.float64)
        return 1.0 - float(np.percentile(inside, 2)) / float(np.median(inside))

    shown = bring_out_faint(canon)
    before, after = contrast(canon, 2), contrast(shown, 2)
    assert before < 0.08  # barely a few grey levels on screen
    assert after > 3 * before and after > 0.2
