"""The record exports for the personnel file read back, holding only what the reader sees."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from django.test import Client
from docx import Document

from phieukin.accounts.models import User
from phieukin.audit.models import AuditEvent
from phieukin.rounds.models import Round


def _pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def test_the_pdf_holds_every_part_the_standing_committee_sees(
    client: Client, full_record: Round, standing: User, leader: User
) -> None:
    assert leader.person is not None
    client.force_login(standing)
    response = client.get(f"/records/{leader.person.pk}/record.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "MẬT" in text
    assert leader.person.full_name in text
    for title in ("Kết quả lấy ý kiến", "Bộ tiêu chí chuyên nghiệp", "Khen thưởng"):
        assert title in text
    event = AuditEvent.objects.get(action="record.export")
    assert event.data == {"format": "pdf", "parts": ["feedback", "criteria", "recognitions"]}


def test_the_docx_of_the_wards_organiser_leaves_out_the_report(
    client: Client, full_record: Round, ward_organiser: User, leader: User
) -> None:
    assert leader.person is not None
    client.force_login(ward_organiser)
    response = client.get(f"/records/{leader.person.pk}/record.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Bộ tiêu chí chuyên nghiệp" in text and "3521/QĐ-UBND" in cells
    assert "Kết quả lấy ý kiến" not in text
    assert full_record.title not in cells


def test_the_record_heads_with_the_body_above_the_keeper_and_is_secret_under_its_number(
    client: Client, full_record: Round, standing: User, leader: User
) -> None:
    """HD 36: upper line the body above the issuer; "MẬT" under the number, not above."""
    from phieukin.testing.documents import docx_header_cells, pdf_find

    assert leader.person is not None
    client.force_login(standing)
    docx = client.get(f"/records/{leader.person.pk}/record.docx").content
    left, right = docx_header_cells(docx)
    assert left[1] == "QUẬN ỦY LONG BIÊN" and left[0] != "ĐẢNG BỘ QUẬN LONG BIÊN"
    assert left[3].endswith("-HS/QU") and left[-1] == "MẬT"
    assert right[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    pdf = client.get(f"/records/{leader.person.pk}/record.pdf").content
    mark, number = pdf_find(pdf, "MẬT"), pdf_find(pdf, "-HS/QU")
    assert mark and number and mark.page == 0 and mark.top < number.bottom
