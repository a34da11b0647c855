"""The counts report in Party-document form: web, PDF, DOCX and XLSX read back."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2 as pdfium
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from phieukin.accounts.models import User
from phieukin.units.models import Unit


def _pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def test_the_report_reads_back_in_every_format(
    client: Client, registry: dict[str, Any], district: Unit, standing: User
) -> None:
    client.force_login(standing)
    base = f"/recognition/report/{district.pk}/"
    page = client.get(base).content.decode()
    assert "BÁO CÁO" in page and "Cấp quận" in page

    pdf = client.get(base + "report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Người tốt, việc tốt" in text and "Khối vận khéo" in text

    docx = Document(io.BytesIO(client.get(base + "report.docx").content))
    cells = [c.text for t in docx.tables for row in t.rows for c in row.cells]
    assert "2021" in cells and "2022" in cells
    body = "\n".join(p.text for p in docx.paragraphs)
    assert "5 người" in body or "5 " in body

    wb = load_workbook(io.BytesIO(client.get(base + "report.xlsx").content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert (2021 in [r[0] for r in rows]) or ("2021" in [r[0] for r in rows])
    year_2021 = next(r for r in rows if str(r[0]) == "2021")
    assert year_2021[1:6] == (3, 1, 0, 4, 2)


def test_a_ward_organiser_cannot_issue_the_district_report(
    client: Client, registry: dict[str, Any], district: Unit, ward_organiser: User
) -> None:
    client.force_login(ward_organiser)
    assert client.get(f"/recognition/report/{district.pk}/report.pdf").status_code == 404


def test_the_report_heads_with_the_body_above_the_committee(
    client: Client, registry: dict[str, Any], district: Unit, standing: User
) -> None:
    """HD 36: the upper line names the body above the issuing committee, never its own."""
    from phieukin.testing.documents import DATE_LINE, docx_header_cells, pdf_find

    client.force_login(standing)
    base = f"/recognition/report/{district.pk}/"
    left, right = docx_header_cells(client.get(base + "report.docx").content)
    assert left[1] == "QUẬN ỦY LONG BIÊN"
    assert left[0] != "ĐẢNG BỘ QUẬN LONG BIÊN"
    assert left[3].endswith("-BC/QU")
    assert DATE_LINE.fullmatch(right[-1])
    pdf = client.get(base + "report.pdf").content
    issuer = pdf_find(pdf, "QUẬN ỦY LONG BIÊN")
    assert issuer is not None and pdf_find(pdf, "ĐẢNG BỘ QUẬN LONG BIÊN") is None
