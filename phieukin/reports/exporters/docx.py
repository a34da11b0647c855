"""DOCX exporter: python-docx, editable in Word, Times New Roman, HD 36 page set-up."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from phieukin.core import documents
from phieukin.reports import texts
from phieukin.reports.content import DistrictSummary, DocumentHead, ExtraSection, LeaderReport
from phieukin.reports.exporters.base import Exporter, LeaderCharts, SummaryCharts, register


def _document(head: DocumentHead) -> Any:
    document = documents.docx_document(
        documents.PartyHeader(
            superior=head.superior,
            issuer=head.issuer,
            number=head.number,
            place=head.place,
            day=head.day,
            secrecy=head.secrecy,
        )
    )
    return document


def _title(document: Any, head: DocumentHead, summary: str) -> None:
    """Add the document type, its summary line and "Kính gửi: …"."""
    documents.docx_title(document, _("REPORT"), summary)
    documents.docx_addressee(document, head.addressee)
    if head.circulation:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(head.circulation)
        run.italic = True
        run.font.size = Pt(12)


def _heading(document: Any, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    run = paragraph.add_run(text)
    run.bold = True


def _table(document: Any, header: list[str], rows: list[list[str]], size: float = 10) -> Any:
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for r, values in enumerate([header, *rows]):
        cells = table.rows[r].cells
        for c, value in enumerate(values):
            cell = cells[c]
            lines = value.split("\n")
            paragraph = cell.paragraphs[0]
            for index, line in enumerate(lines):
                run = paragraph.add_run(line)
                run.font.size = Pt(size)
                run.bold = r == 0
                if index < len(lines) - 1:
                    run.add_break()
    return table


def _extra_section(document: Any, extra: ExtraSection, number: int) -> None:
    """Write a section added by another app: heading, notes, table, footnotes."""
    _heading(document, texts.heading(number, extra.title))
    for note in extra.notes:
        documents.docx_paragraph(document, note)
    if extra.columns:
        _table(document, list(extra.columns), [list(row) for row in extra.rows], size=9)
    for note in extra.footnotes:
        documents.docx_paragraph(document, note)


def _picture(document: Any, png: bytes, width_mm: float = 160) -> None:
    document.add_picture(io.BytesIO(png), width=Mm(width_mm))


def _signature(document: Any, head: DocumentHead) -> None:
    documents.docx_signature(
        document,
        documents.SignatureBlock(
            authority=head.authority,
            position=head.position,
            name=head.signer,
            recipients=list(head.recipients),
        ),
    )


def _bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@register
class DocxExporter(Exporter):
    """Reports as Word documents the department can edit before signing."""

    key = "docx"
    extension = "docx"
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    label = "DOCX"

    def leader(self, report: LeaderReport, images: LeaderCharts) -> bytes:
        document = _document(report.head)
        _title(document, report.head, texts.leader_subject_line(report))
        for paragraph in texts.leader_intro(report):
            documents.docx_paragraph(document, paragraph)
        _heading(document, texts.heading(1, _("Participation")))
        _table(
            document,
            texts.participation_headers(),
            [texts.participation_cells(report.participation)],
        )
        if report.withheld:
            documents.docx_paragraph(document, texts.withheld_paragraph(report))
        else:
            _heading(document, texts.heading(2, _("Results per item")))
            header = [
                pgettext("report column", "No."),
                pgettext("report column", "Item"),
                *[o.label for o in report.options],
                pgettext("report column", "Mean"),
                pgettext("report column", "Low"),
            ]
            rows = [
                [
                    str(item.number),
                    item.text + (" ▲" if item.flagged else ""),
                    *texts.item_cells(item, report.options),
                ]
                for item in report.items
            ]
            _table(document, header, rows, size=9)
            documents.docx_paragraph(document, texts.table_note(report))
            _picture(document, images.options)
            _heading(document, texts.heading(3, _("Overall and section scores")))
            _table(
                document,
                texts.score_headers(report),
                [texts.score_cells(s) for s in (*report.sections, report.overall)],
            )
            _picture(document, images.scores, 150)
            _heading(document, texts.heading(4, _("Shortcomings and weaknesses")))
            documents.docx_paragraph(document, texts.flag_rule_line(report.disclosure))
            if report.flagged_items:
                for item in report.flagged_items:
                    documents.docx_paragraph(document, texts.flagged_line(item))
            else:
                documents.docx_paragraph(document, _("No item reached the flag rule."))
            _heading(document, texts.heading(5, _("Comments")))
            if report.comments is None:
                documents.docx_paragraph(document, texts.comments_withheld(report.disclosure))
            elif not report.comments:
                documents.docx_paragraph(document, _("No comment was written."))
            else:
                documents.docx_paragraph(document, texts.comments_intro())
                for comment in report.comments:
                    documents.docx_paragraph(document, f"– {comment}")
            _heading(document, texts.heading(6, _("Suggested points for the remediation plan")))
            for line in texts.remediation_points(report):
                documents.docx_paragraph(document, line)
        for number, extra in enumerate(report.extra_sections, start=7):
            _extra_section(document, extra, number)
        _heading(document, texts.heading(7 + len(report.extra_sections), _("Disclosure rules")))
        for line in texts.disclosure_lines(report.disclosure):
            documents.docx_paragraph(document, line)
        _signature(document, report.head)
        return _bytes(document)

    def summary(self, summary: DistrictSummary, images: SummaryCharts) -> bytes:
        document = _document(summary.head)
        _title(document, summary.head, texts.summary_subject_line(summary))
        for paragraph in texts.summary_intro(summary):
            documents.docx_paragraph(document, paragraph)
        _heading(document, texts.heading(1, _("Participation per ward")))
        _table(
            document,
            texts.ward_headers(),
            [texts.ward_cells(line) for line in summary.wards] + [texts.total_cells(summary.total)],
        )
        _picture(document, images.participation)
        _heading(document, texts.heading(2, _("Scores per leader")))
        _table(
            document,
            texts.leader_line_headers(),
            [
                texts.leader_line_cells(line, number)
                for number, line in enumerate(summary.leaders, start=1)
            ],
        )
        for page in images.heatmaps:
            _picture(document, page)
        _picture(document, images.distribution, 130)
        _heading(document, texts.heading(3, _("Trend across rounds")))
        documents.docx_paragraph(document, texts.trend_line(summary))
        _picture(document, images.trend, 140)
        _heading(document, texts.heading(4, _("Flagged items per leader")))
        documents.docx_paragraph(document, texts.flag_rule_line(summary.disclosure))
        for line in summary.leaders:
            documents.docx_paragraph(document, texts.leader_flags_line(line))
        _heading(document, texts.heading(5, _("Disclosure rules")))
        for rule in texts.disclosure_lines(summary.disclosure):
            documents.docx_paragraph(document, rule)
        _signature(document, summary.head)
        return _bytes(document)
