"""Read rendered reports back: DOCX text, XLSX cells, PDF text and pixels."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2 as pdfium
from docx import Document
from openpyxl import load_workbook


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def docx_table_rows(data: bytes) -> list[list[str]]:
    document = Document(io.BytesIO(data))
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


def pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(texts)
    finally:
        pdf.close()


def workbook(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))
