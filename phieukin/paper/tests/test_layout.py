"""The ballot layout fits any questionnaire on A4 pages, readable and machine-readable."""

from __future__ import annotations

import itertools

import pytest

from phieukin.paper.corpus.deck import sample_spec, small_spec
from phieukin.paper.layout import (
    CONTENT_BOTTOM,
    PAGE_H,
    PAGE_W,
    QR_SEARCH,
    Rect,
    build_layout,
    marker_rects,
)


def _overlap(a: Rect, b: Rect) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def _check(layout, spec) -> None:
    keys = [item.key for page in layout.pages for item in page.items]
    assert keys == [i.key for i in sorted(spec.items, key=lambda i: i.order)]
    reserved = [*marker_rects(), QR_SEARCH]
    for page in layout.pages:
        rows = [item.row for item in page.items]
        for a, b in itertools.pairwise(rows):
            assert a.y + a.h <= b.y + 1e-6
        for item in page.items:
            assert item.row.y + item.row.h <= CONTENT_BOTTOM + 1e-6
            assert len(item.boxes) == len(item.option_keys)
            for box in item.boxes:
                assert box.x > 0 and box.x + box.w < PAGE_W and box.y + box.h < PAGE_H
                assert not any(_overlap(box, r) for r in reserved)
                # each box sits inside its row with room for a circle drawn around it
                assert box.y - item.row.y >= 1.9 and item.row.y + item.row.h - box.y - box.h >= 1.9
            for a, b in itertools.pairwise(item.boxes):
                assert b.x - (a.x + a.w) >= 5.0
    assert layout.pages[-1].comment is not None
    assert all(p.comment is None for p in layout.pages[:-1])
    assert layout.text_size >= 9.0


def test_the_sample_questionnaire_lays_out_with_readable_text() -> None:
    spec = sample_spec()
    layout = build_layout(spec)
    _check(layout, spec)
    assert layout.page_count <= 2
    comment = layout.pages[-1].comment
    assert comment is not None and comment.h >= 30


def test_a_different_questionnaire_lays_out_with_no_code_change() -> None:
    spec = small_spec(items=7, options=3)
    layout = build_layout(spec)
    _check(layout, spec)
    assert layout.page_count == 1
    assert all(len(item.boxes) == 3 for item in layout.pages[0].items)
    # long Vietnamese texts wrap onto several lines
    assert max(len(item.text.lines) for item in layout.pages[0].items) >= 2


@pytest.mark.parametrize("options", [2, 7, 10])
def test_scales_up_to_ten_options_fit_the_page_width(options: int) -> None:
    spec = small_spec(items=5, options=options, code=f"thang-{options}")
    _check(build_layout(spec), spec)


def test_a_long_questionnaire_spills_onto_further_pages() -> None:
    spec = small_spec(items=60, options=5, code="dai-60")
    layout = build_layout(spec)
    _check(layout, spec)
    assert layout.page_count >= 3
    assert all(page.items for page in layout.pages[:-1])


def test_the_geometry_depends_only_on_the_questionnaire() -> None:
    assert build_layout(sample_spec()) == build_layout(sample_spec())


def test_option_labels_break_between_words_only_on_a_ten_option_scale() -> None:
    spec = small_spec(items=3, options=10, code="thang-10")
    layout = build_layout(spec)
    header = layout.pages[0].scale_headers[0]
    for option, lines in zip(spec.scales[0].options, header.labels, strict=True):
        assert " ".join(lines).split() == option.label.split()
    assert header.size >= 7.0
