"""The charts are PNG, deterministic, drawn in a font that has every Vietnamese letter."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from typing import cast

import pytest
from matplotlib.figure import Figure
from PIL import Image

from phieukin.reports import charts

VIETNAMESE = "ĐẢNG CỘNG SẢN VIỆT NAM Tốt Khá Trung bình Yếu Không đánh giá ỗ ự ữ ỹ ặ ẫ ờ"
OPTIONS = ["Tốt", "Khá", "Trung bình", "Yếu", "Không đánh giá"]


def _bars(suppressed: bool = False) -> list[charts.StackedBar]:
    return [
        charts.StackedBar(f"{n}. Giữ gìn phẩm chất đạo đức", (0.5, 0.3, 0.1, 0.05, 0.05))
        for n in range(1, 5)
    ] + [charts.StackedBar("5. Nội dung ít phiếu", None if suppressed else (1, 0, 0, 0, 0))]


def test_the_chart_font_draws_every_vietnamese_letter() -> None:
    text = unicodedata.normalize("NFC", VIETNAMESE)
    assert charts.missing_glyphs(text) == set()
    # A font without Vietnamese coverage would be caught: a CJK letter is missing.
    assert charts.missing_glyphs("漢") == {"漢"}


def test_a_stacked_chart_is_a_png_and_the_same_input_gives_the_same_bytes() -> None:
    first = charts.stacked_options_chart(_bars(), OPTIONS, charts.ChartText(title="Kết quả"))
    second = charts.stacked_options_chart(_bars(), OPTIONS, charts.ChartText(title="Kết quả"))
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert first == second
    assert Image.open(io.BytesIO(first)).size[0] > 600


def test_a_suppressed_item_is_drawn_differently_from_a_released_one() -> None:
    shown = charts.stacked_options_chart(_bars(False), OPTIONS, charts.ChartText())
    hidden = charts.stacked_options_chart(_bars(True), OPTIONS, charts.ChartText(suppressed="*"))
    assert shown != hidden


def test_every_chart_kind_renders_with_gaps_for_withheld_values() -> None:
    text = charts.ChartText(title="Điểm", extra={"target": "Chỉ tiêu"})
    pngs = [
        charts.score_bars_chart(
            [charts.ScoreBar("I. Đạo đức", 3.2, 3.0, 3.1), charts.ScoreBar("Chung", None)], text
        ),
        charts.heatmap_chart(
            charts.Heatmap(("1", "2"), ("An", "Bình"), ((3.0, None), (2.5, 4.0))), text
        ),
        charts.distribution_chart([3.1, 3.4, 2.8], text),
        charts.participation_chart(["Bồ Đề", "Cự Khối"], [0.95, None], 0.9, text),
        charts.trend_chart(
            ["Đợt I/2026", "Đợt II/2026"], [charts.Series("Toàn quận", (None, 3.2))], text
        ),
    ]
    for png in pngs:
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG"
        # Not blank: the image has dark pixels (text and bars).
        low, _high = image.convert("L").getextrema()
        assert isinstance(low, int) and low < 100


def _tick_texts(fig: Figure) -> list[str]:
    """Return every tick label and annotation of a drawn figure (colour bars included)."""
    fig.canvas.draw()
    texts = []
    for ax in fig.axes:
        for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
            texts.append(label.get_text())
        texts += [t.get_text() for t in ax.texts]
    return [t for t in texts if t]


def test_every_chart_writes_numbers_with_a_decimal_comma() -> None:
    text = charts.ChartText(title="Điểm", extra={"target": "Chỉ tiêu"})
    figures = {
        "stacked": charts.stacked_options_figure(_bars(), OPTIONS, text),
        "scores": charts.score_bars_figure(
            [charts.ScoreBar("I. Đạo đức", 3.2, 3.0, 3.1), charts.ScoreBar("Chung", 2.875)], text
        ),
        "heatmap": charts.heatmap_figure(
            charts.Heatmap(("Nguyễn Văn An (Bồ Đề)",), ("1", "2"), ((3.25, 2.5),)), text
        ),
        "distribution": charts.distribution_figure([3.1, 3.4, 2.8], text),
        "participation": charts.participation_figure(["Bồ Đề"], [0.955], 0.9, text),
        "trend": charts.trend_figure(
            ["Đợt I/2026", "Đợt II/2026"], [charts.Series("Quận", (3.1, 3.2))], text
        ),
    }
    for name, fig in figures.items():
        labels = [t for t in _tick_texts(fig) if any(ch.isdigit() for ch in t)]
        assert labels, name
        for label in labels:
            if name != "trend" or "/" not in label:  # round titles carry "I/2026"
                assert not re.search(r"\d\.\d", label), (name, label)
    assert "3,20" in _tick_texts(figures["scores"])
    assert "2,88" in _tick_texts(figures["scores"])
    assert "95,5" in _tick_texts(figures["participation"])
    assert "3,2" in _tick_texts(figures["heatmap"])  # 3,25 to one decimal
    assert any("," in t for t in _tick_texts(figures["trend"]))  # 1,5 … 3,5 on the axis


def test_large_numbers_get_a_thousands_dot() -> None:
    assert charts.vn_number(1427, 0) == "1.427"
    assert charts.vn_number(1234567.891, 2) == "1.234.567,89"
    assert charts._tick(2000.0) == "2.000"
    assert charts._tick(2.5) == "2,5"


def test_the_heatmap_names_28_leaders_in_full_and_readably() -> None:
    names = tuple(f"Nguyễn Thị Phương Thảo {n} (Phường Ngọc Thụy)" for n in range(28))
    values = tuple(tuple(3.0 for _ in range(21)) for _ in names)
    heatmap = charts.Heatmap(names, tuple(str(n) for n in range(1, 22)), values)
    pages = charts.heatmap_pages(heatmap)
    assert len(pages) == 1
    fig = charts.heatmap_figure(pages[0], charts.ChartText())
    fig.canvas.draw()
    rows = fig.axes[0].get_yticklabels()
    assert [r.get_text().replace("\n", " ") for r in rows] == list(names)
    assert min(float(r.get_fontsize()) for r in rows) >= 8
    # Each row is at least 8 points high, so the labels do not overlap.
    height_points = fig.axes[0].get_window_extent().height * 72 / fig.dpi
    assert height_points / len(rows) >= 8


def test_the_heatmap_of_hundreds_of_leaders_is_paged() -> None:
    names = tuple(f"Lãnh đạo {n}" for n in range(310))
    heatmap = charts.Heatmap(names, ("1", "2"), tuple((3.0, None) for _ in names))
    pages = charts.heatmap_pages(heatmap)
    assert len(pages) == 11
    assert all(len(p.row_labels) <= charts.HEATMAP_ROWS_PER_PAGE for p in pages)
    assert sum(len(p.row_labels) for p in pages) == 310
    assert pages[-1].row_labels[-1] == "Lãnh đạo 309"


def test_rounds_sit_on_a_time_axis_spaced_by_the_time_between_them() -> None:
    dates = [dt.date(2022, 5, 18), dt.date(2022, 11, 18), dt.date(2026, 11, 14)]
    fig = charts.trend_figure(
        ["Đợt I/2022", "Đợt II/2022", "Đợt II/2026"],
        [charts.Series("Toàn quận", (3.1, 3.2, 3.3))],
        charts.ChartText(title="Điểm"),
        dates,
    )
    fig.canvas.draw()
    ax = fig.axes[0]
    xs = [float(x) for x in cast(Sequence[float], ax.lines[0].get_xdata())]
    first_gap, second_gap = xs[1] - xs[0], xs[2] - xs[1]
    days = [(dates[1] - dates[0]).days, (dates[2] - dates[1]).days]
    # Six months apart, then four years: drawn as far apart as they are in time.
    assert second_gap / first_gap == pytest.approx(days[1] / days[0], rel=1e-6)
    assert second_gap > 7 * first_gap
    ticks = [label.get_text() for label in ax.get_xticklabels()]
    assert ticks == ["Đợt I/2022\n18/05/2022", "Đợt II/2022\n18/11/2022", "Đợt II/2026\n14/11/2026"]
    assert all(not re.search(r"\d\.\d", t) for t in _tick_texts(fig) if "/" not in t)


def test_rounds_without_dates_are_spaced_evenly() -> None:
    fig = charts.trend_figure(
        ["Đợt I/2026", "Đợt II/2026"], [charts.Series("Quận", (3.1, 3.2))], charts.ChartText()
    )
    xs = cast(Sequence[float], fig.axes[0].lines[0].get_xdata())
    assert [float(x) for x in xs] == [0.0, 1.0]
