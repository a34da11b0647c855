"""Finding the boxes of a row that a crumpled or bent sheet has moved apart."""

from __future__ import annotations

import cv2
import numpy as np

from phieukin.paper.corpus.mix import layouts, sample_page
from phieukin.paper.layout import PAGE_H, PAGE_W, ItemLayout
from phieukin.paper.omr import worker
from phieukin.paper.omr.reader import SCALE, _own_shifts, _px, _row_offset


def _item() -> ItemLayout:
    layout = next(iter(layouts().values()))
    return layout.page(1).items[2]


def _page_with_boxes(moves: list[tuple[int, int]]) -> np.ndarray:
    """A canonical page with the item's boxes printed, each moved by (dx, dy) pixels."""
    page = np.full((_px(PAGE_H), _px(PAGE_W)), 245, dtype=np.uint8)
    for box, (dx, dy) in zip(_item().boxes, moves, strict=True):
        x0, y0 = _px(box.x) + dx, _px(box.y) + dy
        x1, y1 = _px(box.x + box.w) + dx, _px(box.y + box.h) + dy
        cv2.rectangle(page, (x0, y0), (x1, y1), 30, 2)
    return page


def test_boxes_moved_apart_are_each_found_where_they_are() -> None:
    # Up to 1.7 mm between neighbours (10 px at the canonical scale), up and down, left
    # and right: no common shift puts three boxes of five on their lines.
    moves = [(-5, 5), (5, -5), (0, 0), (5, 5), (-5, -5)]
    page = _page_with_boxes(moves)
    dx, dy, found = _row_offset(page, _item())
    assert not found
    assert _own_shifts(page, _item(), dx, dy) == moves


def test_a_row_without_its_printed_boxes_is_not_found_box_by_box_either() -> None:
    moves = [(0, 0)] * len(_item().boxes)
    page = _page_with_boxes(moves)
    # Three boxes' printed borders missing (painted over): the row is not found.
    for box in _item().boxes[2:]:
        page[_px(box.y) - 8 : _px(box.y + box.h) + 8, _px(box.x) - 8 : _px(box.x + box.w) + 8] = 245
    dx, dy, found = _row_offset(page, _item())
    assert not found
    assert _own_shifts(page, _item(), dx, dy) is None
    # And a box moved further than the search reaches is not taken for found.
    far = [(0, 0), (0, 0), (_px(1.2) + 4, 0), (0, 0), (0, 0)]
    dx, dy, found = _row_offset(_page_with_boxes(far), _item())
    assert _own_shifts(_page_with_boxes(far), _item(), dx, dy) is None


def test_rows_of_a_crumpled_sheet_are_measured_box_by_box() -> None:
    # Seed 63 page 0 of a targeted sample (ticks and blanks on crumpled sheets): the rows
    # nd16–nd18 are plainly printed, but the sheet moved their boxes apart; they went to
    # a person as "boxes not visible". Each box found on its own, nd18's tick is read
    # and nothing is read wrong.
    worker._init(layouts(), 0)
    page = sample_page(63, 0, ("tick", "blank"), ("crumpled",))
    result = worker.read_image(page.image)
    assert result.reading is not None
    read = {i.item_key: i for i in result.reading.items}
    for key in ("nd16", "nd17", "nd18"):
        assert read[key].reason != "box_not_found"
    assert (read["nd18"].status, read["nd18"].option_index) == ("marked", 0)
    assert page.truth["nd18"].option == 0
    for key, item in read.items():
        assert page.truth[key].judge(item.status, item.option_index) != "wrong"
    assert SCALE == 6.0  # the pixel moves above are at this scale
