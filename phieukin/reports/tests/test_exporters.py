"""Exporters render the content they are given, in every format, with HD 36 form."""

from __future__ import annotations

import io
import re
import unicodedata

import pypdfium2 as pdfium
import pytest
from django.utils import translation
from docx import Document
from docx.shared import Mm

from phieukin.reports.exporters import exporters, get_exporter
from phieukin.reports.exporters.base import leader_charts, summary_charts
from phieukin.reports.formatting import SUPPRESSED_MARK
from phieukin.reports.tests import samples
from phieukin.reports.tests.helpers import docx_table_rows, docx_text, pdf_text, workbook

MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    """Render the sample leader report (item 21 suppressed) in every format, once."""
    with translation.override("vi"):
        report = samples.leader_report()
        images = leader_charts(report)
        return {cls.key: cls().leader(report, images) for cls in exporters()}


def test_the_registry_knows_the_three_formats() -> None:
    assert [cls.key for cls in exporters()] == ["docx", "pdf", "xlsx"]
    assert get_exporter("pdf").content_type == "application/pdf"
    with pytest.raises(KeyError):
        get_exporter("odt")


def test_a_suppressed_item_shows_no_number_in_the_docx(rendered: dict[str, bytes]) -> None:
    rows = docx_table_rows(rendered["docx"])
    row = next(r for r in rows if r[0] == "21")
    assert all(cell == SUPPRESSED_MARK for cell in row[2:])
    shown = next(r for r in rows if r[0] == "1")
    assert shown[2] == "10\n50,0\u00a0%"
    assert shown[-2] == "3,25"


def test_a_suppressed_item_shows_no_number_in_the_xlsx(rendered: dict[str, bytes]) -> None:
    ws = workbook(rendered["xlsx"]).worksheets[1]
    rows = list(ws.iter_rows(values_only=True))
    row = next(r for r in rows if r[0] == 21)
    assert all(value == SUPPRESSED_MARK for value in row[2:-1])
    first = next(r for r in rows if r[0] == 1)
    assert first[2:7] == (10, 6, 3, 1, 2)


def test_a_suppressed_item_shows_no_number_in_the_pdf(rendered: dict[str, bytes]) -> None:
    text = pdf_text(rendered["pdf"])
    line = re.search(r"21\s*Nội dung số 21(.*)", text)
    assert line is not None
    tail = text[line.start() : line.start() + 120]
    assert re.findall(r"\d+,\d", tail) == []
    assert tail.count(SUPPRESSED_MARK) >= 7


def test_vietnamese_text_round_trips_in_nfc(rendered: dict[str, bytes]) -> None:
    name = "Nguyễn Thị Ánh Dương"
    for text in (docx_text(rendered["docx"]), pdf_text(rendered["pdf"])):
        normal = unicodedata.normalize("NFC", text)
        assert name in normal
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in normal
        assert "Long Biên, ngày 20 tháng 11 năm 2026" in normal


def test_the_docx_has_the_hd36_page_setup_and_party_heading(rendered: dict[str, bytes]) -> None:
    document = Document(io.BytesIO(rendered["docx"]))
    section = document.sections[0]
    sizes = [
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    ]
    assert [round((m or 0) / Mm(1)) for m in sizes] == [210, 297, 20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt in (13, 14)
    heading = document.tables[0]
    left, right = heading.rows[0].cells
    assert left.paragraphs[1].runs[0].bold and left.paragraphs[1].text == "QUẬN ỦY LONG BIÊN"
    assert left.paragraphs[2].text == "*"
    assert right.paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert right.paragraphs[0].runs[0].bold
    assert right.paragraphs[-1].runs[0].italic
    text = docx_text(rendered["docx"])
    assert "MẬT" in text and "Tài liệu lưu hành nội bộ" in text
    assert "BÁO CÁO" in text
    assert "Nơi nhận:" in text and "T/M BAN THƯỜNG VỤ" in text


def test_the_docx_and_pdf_carry_the_charts(rendered: dict[str, bytes]) -> None:
    document = Document(io.BytesIO(rendered["docx"]))
    assert len(document.inline_shapes) == 2
    ws = workbook(rendered["xlsx"])
    assert sum(len(sheet._images) for sheet in ws.worksheets) == 2
    pdf = pdfium.PdfDocument(rendered["pdf"])
    try:
        images = [
            obj for page in pdf for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE])
        ]
    finally:
        pdf.close()
    assert len(images) >= 2


def test_the_first_pdf_page_respects_the_hd36_layout(rendered: dict[str, bytes]) -> None:
    """Measure the first page from its pixels and its text boxes."""
    scale = 2.0
    pdf = pdfium.PdfDocument(rendered["pdf"])
    try:
        page = pdf[0]
        width_pt, height_pt = page.get_size()
        image = page.render(scale=scale).to_pil().convert("L")
        textpage = page.get_textpage()
        searcher = textpage.search("ĐẢNG CỘNG SẢN VIỆT NAM")
        found = searcher.get_next()
        assert found is not None
        index, count = found
        left = textpage.get_charbox(index)[0]
        right = textpage.get_charbox(index + count - 1)[2]
        top = textpage.get_charbox(index)[3]
        searcher.close()
        textpage.close()
        page.close()
    finally:
        pdf.close()
    assert (round(width_pt / MM), round(height_pt / MM)) == (210, 297)
    # The Party heading sits in the right half, in the top band (within 45 mm of the top).
    assert left > width_pt / 2 - 5 * MM
    assert right <= width_pt - 15 * MM + 1
    assert height_pt - top < 45 * MM
    # Ink stays inside the margins: top 20, left 30, right 15, bottom 20 mm (±1 mm).
    pixels = image.load()
    w, h = image.size
    dark_rows = [y for y in range(h) if any(pixels[x, y] < 128 for x in range(0, w, 2))]
    dark_cols = [x for x in range(w) if any(pixels[x, y] < 128 for y in range(0, h, 2))]
    assert dark_rows and dark_cols, "the page is blank"
    px_per_mm = scale * MM
    assert dark_rows[0] >= (20 - 1) * px_per_mm
    assert dark_rows[-1] <= h - (20 - 1) * px_per_mm
    assert dark_cols[0] >= (30 - 1) * px_per_mm
    assert dark_cols[-1] <= w - (15 - 1) * px_per_mm
    # The top band holds the heading: ink in the right half within 45 mm of the top.
    band = image.crop((w // 2, 0, w, int(45 * px_per_mm)))
    assert band.getextrema()[0] < 100


def test_the_summary_renders_in_every_format_with_its_workbook_sheets() -> None:
    with translation.override("vi"):
        summary = samples.district_summary()
        images = summary_charts(summary)
        files = {cls.key: cls().summary(summary, images) for cls in exporters()}
    assert "Phường Cự Khối" in pdf_text(files["pdf"])
    assert "Phường Cự Khối" in docx_text(files["docx"])
    names = workbook(files["xlsx"]).sheetnames
    assert len(names) >= 6


def test_a_banded_item_prints_its_bands_and_no_count_in_every_format() -> None:
    """A unanimous small group is shown as bands ("≥ 80 %"), never as counts or a mean."""
    from dataclasses import replace

    from phieukin.reports.content import ItemRow

    base = samples.leader_report()
    banded = ItemRow(
        21,
        "nd21",
        "I",
        "Nội dung đồng thuận",
        None,
        None,
        None,
        None,
        None,
        bands=("≥ 80 %", "< 20 %", "< 20 %", "< 20 %", "< 20 %"),
    )
    report = replace(base, items=(*base.items[:20], banded))
    with translation.override("vi"):
        images = leader_charts(report)
        files = {cls.key: cls().leader(report, images) for cls in exporters()}
    row = next(r for r in docx_table_rows(files["docx"]) if r[0] == "21")
    assert row[2:7] == ["≥ 80 %", "< 20 %", "< 20 %", "< 20 %", "< 20 %"]
    assert row[7:] == [SUPPRESSED_MARK, SUPPRESSED_MARK]
    xrow = next(
        r for r in workbook(files["xlsx"]).worksheets[1].iter_rows(values_only=True) if r[0] == 21
    )
    assert not any(isinstance(v, int | float) for v in xrow[1:])
    assert "≥ 80 %" in pdf_text(files["pdf"])


def test_the_pdf_embeds_its_vietnamese_font(rendered: dict[str, bytes]) -> None:
    """The PDF carries its TrueType font, so it prints the same on a machine without it."""
    pdf = pdfium.PdfDocument(rendered["pdf"])
    try:
        page = pdf[0]
        fonts = set()
        for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_TEXT]):
            font = pdfium.raw.FPDFTextObj_GetFont(obj.raw)
            fonts.add(pdfium.raw.FPDFFont_GetIsEmbedded(font))
        page.close()
    finally:
        pdf.close()
    assert fonts == {1}


def test_a_section_of_an_app_above_is_printed_in_every_format_before_the_rules() -> None:
    """A provider's section (title, notes, table, footnotes) appears in PDF, DOCX and XLSX."""
    from dataclasses import replace

    from phieukin.reports.content import ExtraSection

    extra = ExtraSection(
        title="Kết quả thực hiện kế hoạch",
        columns=("Nội dung góp ý", "Điểm TB"),
        rows=(("Gần dân, sát dân", "3,25"),),
        notes=("Ghi chú trước bảng.",),
        footnotes=("* Chú thích sau bảng.",),
        numeric=(1,),
    )
    report = replace(samples.leader_report(), extra_sections=(extra,))
    with translation.override("vi"):
        images = leader_charts(report)
        files = {cls.key: cls().leader(report, images) for cls in exporters()}
    pdf = " ".join(pdf_text(files["pdf"]).split())
    docx = docx_text(files["docx"])
    for text in (pdf, docx):
        assert "VII. KẾT QUẢ THỰC HIỆN KẾ HOẠCH" in text
        assert "VIII. " in text  # the disclosure rules move one number down
        assert text.index("Ghi chú trước bảng.") < text.index("* Chú thích sau bảng.")
        assert "3,25" in text
    assert ["Gần dân, sát dân", "3,25"] in docx_table_rows(files["docx"])
    book = workbook(files["xlsx"])
    sheet = book["Kết quả thực hiện kế hoạch"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert cells[:2] == ["Kết quả thực hiện kế hoạch", "Ghi chú trước bảng."]
    assert "Gần dân, sát dân" in cells and "3,25" in cells and "* Chú thích sau bảng." in cells
    assert book.sheetnames.index("Kết quả thực hiện kế hoạch") < len(book.sheetnames) - 1


def test_the_workbook_uses_percent_and_integer_formats_and_vietnamese_headers(
    rendered: dict[str, bytes],
) -> None:
    wb = workbook(rendered["xlsx"])
    items = wb.worksheets[1]
    header = [c.value for c in items[1]]
    assert "Tốt (số ý kiến)" in header
    assert "Tốt (% trên số ý kiến có đánh giá)" in header
    assert not any("(count)" in str(h) or h == "Mã" for h in header)
    first = next(row for row in items.iter_rows(min_row=2) if row[0].value == 1)
    by_header = dict(zip(header, first, strict=True))
    share = by_header["Tốt (% trên số ý kiến có đánh giá)"]
    assert share.number_format == "0.0%" and share.value == 0.5
    count = by_header["Tốt (số ý kiến)"]
    assert count.number_format == "#,##0" and count.value == 10
    mean = by_header["Điểm TB"]
    assert mean.number_format == "0.00" and mean.value == round(mean.value, 2)
    # No raw key of the questionnaire anywhere a person reads.
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                assert not re.fullmatch(r"(nd|muc_do_|trung_binh|khong_danh_gia)\w*", str(value))


def test_the_summary_workbook_says_co_khong_and_rounds_its_figures() -> None:
    with translation.override("vi"):
        summary = samples.district_summary()
        data = get_exporter("xlsx").summary(summary, summary_charts(summary))
    wb = workbook(data)
    wards = wb.worksheets[1]
    met = {c.value for c in next(wards.iter_cols(min_col=7, max_col=7, min_row=2))}
    assert met <= {"có", "không", "", None} and met & {"có", "không"}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, bool):
                    raise AssertionError(f"TRUE/FALSE in {ws.title}!{cell.coordinate}")
                if isinstance(cell.value, float):
                    assert cell.number_format in ("0.0%", "0.00"), (ws.title, cell.coordinate)
                    assert len(repr(cell.value)) <= 8, (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, int):
                    assert cell.number_format in ("#,##0", "0.00", "General"), cell.coordinate
