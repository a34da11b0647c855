"""The charts are PNG, deterministic, drawn in a font that has every Vietnamese letter."""

from __future__ import annotations

import io
import unicodedata

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
