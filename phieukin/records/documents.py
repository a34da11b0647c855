"""The record as a document for the personnel file (HD 36 form): PDF and DOCX.

It holds exactly the parts the exporting reader sees on the page, marked confidential.
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from phieukin.core import documents as doc
from phieukin.records.parts import Table as PartTable
from phieukin.records.selectors import Record
from phieukin.units import lineage
from phieukin.units.models import Unit


def header_for(unit: Unit | None, day: dt.date) -> doc.PartyHeader:
    """Return the heading of the district (or unit) that keeps the personnel file."""
    keeper = unit
    while keeper is not None and keeper.parent is not None and keeper.kind == "ward":
        keeper = keeper.parent
    if keeper is None:
        return doc.PartyHeader(
            superior="", issuer="", number="", place="", day=day, secrecy=_("CONFIDENTIAL")
        )
    # The keeper's committee under the Party organisation above it on that day (HD 36).
    body = lineage.issuing_body(keeper, day, by_department=False)
    return doc.PartyHeader(
        superior=body.superior,
        issuer=body.issuer,
        number=f"Số\u00a0\u00a0\u00a0\u00a0\u00a0-HS/{body.symbol}",
        place=body.place,
        day=day,
        secrecy=_("CONFIDENTIAL"),
    )


def summary(record: Record) -> str:
    return _("The record of comrade %(name)s") % {"name": record.subject.name}


def _pdf_table(table: PartTable) -> Table:
    st = doc.styles()
    data = [[Paragraph(doc.escape(c), st["cell"]) for c in table.columns]]
    data += [[Paragraph(doc.escape(c), st["cell"]) for c in row] for row in table.rows]
    # Columns share the width by how much text they hold, within bounds.
    weights = [
        min(40, max([len(table.columns[i]) // 2] + [len(row[i]) for row in table.rows])) + 6
        for i in range(len(table.columns))
    ]
    total = sum(weights)
    out = Table(data, colWidths=[doc.CONTENT_WIDTH * w / total for w in weights], repeatRows=1)
    out.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"),
            ]
        )
    )
    return out


def render_pdf(record: Record, header: doc.PartyHeader) -> bytes:
    """Return the record as an A4 PDF."""
    st = doc.styles()
    flow: list[Flowable] = [
        *doc.header_flowables(header),
        *doc.title_flowables(_("RECORD"), summary(record)),
    ]
    for title, span in record.subject.positions:
        flow.append(Paragraph(doc.escape(f"- {title}: {span}"), st["plain"]))
    for number, part in enumerate(record.parts, start=1):
        flow.append(Paragraph(doc.escape(f"{number}. {part.title}"), st["section"]))
        if part.note:
            flow.append(Paragraph(doc.escape(part.note), st["small"]))
        for table in part.tables:
            if table.caption:
                flow.append(Paragraph(doc.escape(table.caption), st["plain"]))
            flow += [_pdf_table(table), Spacer(1, 4)]
    if not record.parts:
        flow.append(Paragraph(doc.escape(_("Nothing of this record is shown to you.")), st["body"]))
    buffer = io.BytesIO()
    doc.build_pdf(buffer, flow, title=summary(record))
    return buffer.getvalue()


def render_docx(record: Record, header: doc.PartyHeader) -> bytes:
    """Return the record as an editable DOCX."""
    document = doc.docx_document(header)
    doc.docx_title(document, _("RECORD"), summary(record))
    for title, span in record.subject.positions:
        document.add_paragraph(f"- {title}: {span}")
    for number, part in enumerate(record.parts, start=1):
        heading = document.add_paragraph()
        heading.add_run(f"{number}. {part.title}").bold = True
        if part.note:
            note = document.add_paragraph()
            note.add_run(part.note).italic = True
        for table in part.tables:
            if table.caption:
                document.add_paragraph(table.caption)
            grid = document.add_table(rows=1, cols=len(table.columns))
            grid.style = "Table Grid"
            for cell, text in zip(grid.rows[0].cells, table.columns, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in table.rows:
                for cell, text in zip(grid.add_row().cells, row, strict=True):
                    cell.text = text
    if not record.parts:
        doc.docx_paragraph(document, _("Nothing of this record is shown to you."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
