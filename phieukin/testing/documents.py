"""Read Party documents back for golden tests: PDF text with positions and sizes, DOCX parts.

PDFs are read with pypdfium2 (text, character boxes, font sizes), DOCX files with
python-docx; the checks of HD 36 (heading lines, "MẬT" under the number, signature
blocks) compare positions on the page, not strings alone.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from docx import Document

# "Long Biên, ngày 05 tháng 02 năm 2026": day with two digits, months 1-2 with a zero.
DATE_LINE = re.compile(r"[^\n,]+, ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm \d{4}")


@dataclass(frozen=True)
class Found:
    """Where a string sits on a PDF page (points, origin bottom left) and its font size."""

    page: int
    left: float
    bottom: float
    right: float
    top: float
    size: float

    @property
    def centre_x(self) -> float:
        return (self.left + self.right) / 2


def pdf_pages(data: bytes) -> list[str]:
    """Return the text of each page."""
    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def pdf_find(data: bytes, text: str, *, occurrence: int = 0) -> Found | None:
    """Return the box and font size of the *occurrence*-th match of *text* (case-sensitive)."""
    pdf = pdfium.PdfDocument(data)
    try:
        seen = 0
        for number in range(len(pdf)):
            page = pdf[number]
            textpage = page.get_textpage()
            searcher = textpage.search(text, match_case=True)
            while True:
                hit = searcher.get_next()
                if hit is None:
                    break
                if seen == occurrence:
                    index, count = hit
                    boxes = [textpage.get_charbox(i) for i in range(index, index + count)]
                    size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
                    return Found(
                        page=number,
                        left=min(b[0] for b in boxes),
                        bottom=min(b[1] for b in boxes),
                        right=max(b[2] for b in boxes),
                        top=max(b[3] for b in boxes),
                        size=round(size, 1),
                    )
                seen += 1
        return None
    finally:
        pdf.close()


def docx_document(data: bytes) -> Any:
    return Document(io.BytesIO(data))


def docx_header_cells(data: bytes) -> tuple[list[str], list[str]]:
    """Return the lines of the heading's left and right cells (the document's first table)."""
    document = docx_document(data)
    first = document.element.body[0]
    assert first.tag.endswith("}tbl"), "the heading table opens the document (nothing above)"
    left, right = document.tables[0].rows[0].cells
    return [p.text for p in left.paragraphs], [p.text for p in right.paragraphs]


def docx_runs_of(data: bytes, text: str) -> list[Any]:
    """Return every run, in paragraphs or table cells, whose text is *text*."""
    document = docx_document(data)
    runs = [r for p in document.paragraphs for r in p.runs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                runs += [r for p in cell.paragraphs for r in p.runs]
    return [r for r in runs if r.text == text]


def docx_all_text(data: bytes) -> str:
    document = docx_document(data)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)
