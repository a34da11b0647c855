"""The Party-document helpers: Vietnamese text in PDF and DOCX, HD 36 layout."""

import datetime as dt
import io

import pypdfium2 as pdfium
from docx import Document
from reportlab.platypus import Paragraph

from phieukin.core.documents import (
    PartyHeader,
    SignatureBlock,
    build_pdf,
    date_line,
    docx_document,
    docx_signature,
    docx_title,
    header_flowables,
    signature_flowables,
    styles,
    title_flowables,
)

HEADER = PartyHeader(
    superior="Đảng bộ quận Long Biên",
    issuer="Quận ủy Long Biên",
    number="Số 104-BC/QU",
    place="Long Biên",
    day=dt.date(2026, 2, 5),
)


def test_the_date_line_pads_days_below_ten_and_the_first_two_months() -> None:
    assert date_line("Long Biên", dt.date(2026, 2, 5)) == "Long Biên, ngày 05 tháng 02 năm 2026"
    assert date_line("Long Biên", dt.date(2026, 11, 20)) == "Long Biên, ngày 20 tháng 11 năm 2026"


def test_a_pdf_embeds_vietnamese_text_that_extracts_back() -> None:
    buffer = io.BytesIO()
    flowables = header_flowables(HEADER) + title_flowables("Báo cáo", "Kết quả lấy ý kiến")
    flowables.append(Paragraph("Đồng chí Nguyễn Thị Hương, Phường Ngọc Thụy", styles()["body"]))
    flowables += signature_flowables(SignatureBlock("T/M Ban Thường vụ", "Phó Bí thư", "Lê Văn An"))
    build_pdf(buffer, flowables, title="Báo cáo")
    pdf = pdfium.PdfDocument(buffer.getvalue())
    try:
        text = pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "QUẬN ỦY LONG BIÊN",
        "ngày 05 tháng 02 năm 2026",
        "BÁO CÁO",
        "Nguyễn Thị Hương",
        "Phường Ngọc Thụy",
        "T/M BAN THƯỜNG VỤ",
    ):
        assert expected in text.replace("\r\n", " ").replace("\n", " ")


def test_the_party_heading_stands_in_the_top_right_of_the_page() -> None:
    buffer = io.BytesIO()
    build_pdf(buffer, header_flowables(HEADER), title="x")
    pdf = pdfium.PdfDocument(buffer.getvalue())
    try:
        page = pdf[0]
        width, height = page.get_size()
        textpage = page.get_textpage()
        searcher = textpage.search("ĐẢNG CỘNG SẢN")
        found = searcher.get_next()
        assert found is not None
        index, _count = found
        left, _bottom, _right, top = textpage.get_charbox(index)
        assert left > width / 2 - 20  # right-hand column
        assert top > height - 40 * 72 / 25.4  # within 40 mm of the top edge
        # Left margin of 30 mm: no text starts left of it.
        first_left = min(textpage.get_charbox(i)[0] for i in range(textpage.count_chars()))
        assert first_left >= 30 * 72 / 25.4 - 1
    finally:
        pdf.close()


def test_a_docx_uses_times_new_roman_a4_and_the_hd36_margins() -> None:
    document = docx_document(HEADER)
    docx_title(document, "Báo cáo", "Kết quả")
    docx_signature(
        document, SignatureBlock("T/M Ban Thường vụ", "Phó Bí thư", "Lê Văn An", ["Lưu"])
    )
    buffer = io.BytesIO()
    document.save(buffer)
    reread = Document(io.BytesIO(buffer.getvalue()))
    section = reread.sections[0]
    margins = [section.left_margin, section.right_margin, section.top_margin, section.page_width]
    assert [round(m.mm) if m is not None else None for m in margins] == [30, 15, 20, 210]
    assert reread.styles["Normal"].font.name == "Times New Roman"
    cells = [c.text for t in reread.tables for row in t.rows for c in row.cells]
    assert any("ĐẢNG CỘNG SẢN VIỆT NAM" in c for c in cells)
    assert any("Long Biên, ngày 05 tháng 02 năm 2026" in c for c in cells)
    assert any("Nơi nhận:" in c for c in cells)
