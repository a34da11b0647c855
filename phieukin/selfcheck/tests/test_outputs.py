"""Every output of a session marks the draft expressions: web, PDF, DOCX, XLSX."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pypdfium2 as pdfium
import pytest
from django.test import Client
from django.utils.translation import override
from docx import Document
from openpyxl import load_workbook

from phieukin.accounts.models import User
from phieukin.selfcheck import documents, services
from phieukin.selfcheck.models import EntryKind, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(session: Session, ward_organiser: User) -> Session:
    """Name one verified expression (no. 2) and one draft (no. 14) for the collective."""
    items = {i.order: i for i in session.checklist.items.all()}
    collective = session.entries.get(kind=EntryKind.COLLECTIVE)
    for number in (2, 14):
        services.record_finding(
            actor=ward_organiser,
            entry=collective,
            item=items[number],
            remedy=f"Biện pháp {number}",
            follow_up_by="Thường trực Đảng ủy",
            due_on=dt.date(2023, 12, 31),
        )
    return session


def mark() -> str:
    with override("vi"):
        return documents.draft_mark()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_the_pdf_marks_every_draft_and_no_verified_item(named: Session) -> None:
    pdf = pdfium.PdfDocument(documents.report_pdf(named))
    text = _nfc(" ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
    text = " ".join(text.split())
    # 16 draft expressions in the table, the draft finding once more, and the note.
    assert text.count(mark()) == 16 + 1 + 1
    assert f"{mark()} 14." in text
    assert f"{mark()} 2." not in text


def test_the_docx_marks_every_draft(named: Session) -> None:
    document = Document(io.BytesIO(documents.report_docx(named)))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    drafts = [c for c in cells if c.startswith(mark())]
    assert len(drafts) == 16 + 1
    assert not any(c.startswith(f"{mark()} {n}.") for n in range(1, 6) for c in cells)
    assert any(mark() in p.text for p in document.paragraphs)  # the note


def test_the_workbook_marks_every_draft(named: Session) -> None:
    book = load_workbook(io.BytesIO(documents.report_xlsx(named)))
    sheets = book.worksheets
    rows = list(sheets[1].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 21
    assert [r[0] for r in rows if r[3] == mark()] == list(range(6, 22))
    assert all(str(r[2]).startswith(mark()) for r in rows if r[3] == mark())
    findings = list(sheets[2].iter_rows(min_row=2, values_only=True))
    assert [str(r[1]).startswith(mark()) for r in findings] == [False, True]


def test_the_web_page_marks_every_draft(named: Session, ward_organiser: User) -> None:
    client = Client()
    client.force_login(ward_organiser)
    html = client.get(f"/selfchecks/{named.pk}/").content.decode()
    assert html.count('class="badge draft"') == 1  # the one draft named
    page = client.get(f"/selfchecks/checklists/{named.checklist_id}/").content.decode()
    assert page.count('<span class="badge draft" title=') == 16


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_reports_download_for_the_office_and_not_for_another_ward(
    named: Session, ward_organiser: User, outsider: User, fmt: str
) -> None:
    client = Client()
    client.force_login(ward_organiser)
    assert client.get(f"/selfchecks/{named.pk}/report.{fmt}").status_code == 200
    client.force_login(outsider)
    assert client.get(f"/selfchecks/{named.pk}/report.{fmt}").status_code == 404
