"""The self-check report of a session: PDF and DOCX in Party form (HD 36), and XLSX.

Every output marks the draft items of the checklist (wording not yet verified against
the official appendix) with :func:`draft_mark`, and states how many there are.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from phieukin.core import documents as doc
from phieukin.core.spreadsheets import neutralise_workbook
from phieukin.selfcheck import aggregate
from phieukin.selfcheck.models import ChecklistItem, Session
from phieukin.selfcheck.selectors import checklist_items, session_detail, session_summary
from phieukin.units import lineage


def draft_mark() -> str:
    """Return the mark printed before a draft item's text."""
    return _("[DRAFT – not verified]")


def item_label(item: ChecklistItem) -> str:
    """Return "n. text", prefixed by the draft mark when the wording is not verified."""
    text = f"{item.order}. {item.text}"
    return text if item.verified else f"{draft_mark()} {text}"


@dataclass(frozen=True)
class ReportLine:
    who: str
    item: str
    remedy: str
    follow_up_by: str
    due_on: str
    status: str


@dataclass(frozen=True)
class SessionReport:
    session: Session
    header: doc.PartyHeader
    facts: tuple[tuple[str, str], ...]
    items: tuple[tuple[str, int, int], ...]  # label, collectives, individuals
    lines: tuple[ReportLine, ...]
    totals: tuple[tuple[str, str], ...]
    draft_note: str
    none_apply: tuple[str, ...]


def build_report(session: Session) -> SessionReport:
    """Collect what the report of *session* shows."""
    session = session_detail(session)
    unit = session.unit
    items = checklist_items(session.checklist)
    summary = session_summary(session)
    drafts = sum(1 for i in items if not i.verified)
    day = timezone.localdate()
    # The unit's committee under the Party organisation above it on that day (HD 36).
    body = lineage.issuing_body(unit, day, by_department=False)
    lines: list[ReportLine] = []
    none_apply: list[str] = []
    for entry in session.entries.all():
        if entry.none_apply:
            none_apply.append(entry.name)
        for f in entry.findings.all():
            lines.append(
                ReportLine(
                    who=entry.name,
                    item=item_label(f.item),
                    remedy=f.remedy,
                    follow_up_by=f.follow_up_by,
                    due_on=f.due_on.strftime("%d/%m/%Y"),
                    status=str(f.get_status_display())
                    + (f" {f.done_on:%d/%m/%Y}" if f.done_on else ""),
                )
            )
    facts = (
        (_("Unit"), str(unit)),
        (_("Period"), session.period),
        (_("Held on"), session.held_on.strftime("%d/%m/%Y")),
        (_("Place"), session.place or "—"),
        (_("Chaired by"), session.chaired_by or "—"),
        (_("Participants"), str(session.participants)),
        (_("Speakers"), str(session.speakers)),
        (_("Checklist"), f"{session.checklist} — {len(items)} {_('expressions')}"),
    )
    totals = (
        (_("Remedies"), str(summary.remedies)),
        (_("Done"), str(summary.done)),
        (_("In progress"), str(summary.in_progress)),
        (_("Overdue"), str(summary.overdue)),
    )
    draft_note = (
        _(
            "%(drafts)s of the %(count)s expressions are drafts whose wording has not been "
            "verified against the official appendix; they are marked %(mark)s."
        )
        % {"drafts": drafts, "count": len(items), "mark": draft_mark()}
        if drafts
        else ""
    )
    return SessionReport(
        session=session,
        header=doc.PartyHeader(
            superior=body.superior,
            issuer=body.issuer,
            number="Số\u00a0\u00a0\u00a0\u00a0\u00a0-BC/" + body.symbol,
            place=body.place,
            day=day,
        ),
        facts=facts,
        items=tuple(
            (item_label(i), summary.count(i.key).collectives, summary.count(i.key).individuals)
            for i in items
        ),
        lines=tuple(lines),
        totals=totals,
        draft_note=draft_note,
        none_apply=tuple(none_apply),
    )


def _summary_line() -> str:
    return _("Report on the self-check under Directive 24-CT/TU")


def _signature(report: SessionReport) -> doc.SignatureBlock:
    return doc.SignatureBlock(
        authority=_("ON BEHALF OF THE PARTY COMMITTEE"),
        position=_("SECRETARY"),
        recipients=[_("The district's propaganda department"), _("Archives")],
    )


def report_pdf(session: Session) -> bytes:
    """Return the session's report as a PDF in Party form."""
    with override("vi"):
        report = build_report(session)
        st = doc.styles()
        flow = [*doc.header_flowables(report.header)]
        flow += doc.title_flowables(_("REPORT"), report.session.title)
        for label, value in report.facts:
            flow.append(Paragraph(doc.escape(f"{label}: {value}"), st["plain"]))
        if report.draft_note:
            flow += [Spacer(1, 4), Paragraph(doc.escape(report.draft_note), st["small"])]
        flow.append(Spacer(1, 8))
        rows = [
            [
                Paragraph(doc.escape(_("Expression")), st["cell"]),
                Paragraph(doc.escape(_("Collectives")), st["cell_center"]),
                Paragraph(doc.escape(_("Individuals")), st["cell_center"]),
            ]
        ]
        rows += [
            [
                Paragraph(doc.escape(label), st["cell"]),
                Paragraph(str(c), st["cell_center"]),
                Paragraph(str(i), st["cell_center"]),
            ]
            for label, c, i in report.items
        ]
        table = Table(rows, colWidths=[doc.CONTENT_WIDTH * 0.7, *[doc.CONTENT_WIDTH * 0.15] * 2])
        table.setStyle(
            TableStyle(
                [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
            )
        )
        flow.append(table)
        flow.append(Spacer(1, 8))
        if report.lines:
            rows = [
                [
                    Paragraph(doc.escape(h), st["cell"])
                    for h in (
                        _("Who"),
                        _("Expression"),
                        _("Causes and remedy"),
                        _("Followed up by"),
                        _("Deadline"),
                        _("Status"),
                    )
                ]
            ]
            rows += [
                [
                    Paragraph(doc.escape(v), st["cell"])
                    for v in (r.who, r.item, r.remedy, r.follow_up_by, r.due_on, r.status)
                ]
                for r in report.lines
            ]
            widths = [0.13, 0.29, 0.25, 0.12, 0.1, 0.11]
            table = Table(rows, colWidths=[doc.CONTENT_WIDTH * w for w in widths], repeatRows=1)
            table.setStyle(
                TableStyle(
                    [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
                )
            )
            flow.append(table)
        for label, value in report.totals:
            flow.append(Paragraph(doc.escape(f"{label}: {value}"), st["plain"]))
        if report.none_apply:
            flow.append(
                Paragraph(
                    doc.escape(_("No expression applies: ") + ", ".join(report.none_apply)),
                    st["plain"],
                )
            )
        if report.session.conclusion:
            flow.append(Paragraph(doc.escape(report.session.conclusion), st["body"]))
        flow += doc.signature_flowables(_signature(report))
        buffer = io.BytesIO()
        doc.build_pdf(buffer, flow, title=report.session.title)
        return buffer.getvalue()


def report_docx(session: Session) -> bytes:
    """Return the session's report as an editable DOCX in Party form."""
    with override("vi"):
        report = build_report(session)
        document = doc.docx_document(report.header)
        doc.docx_title(document, _("REPORT"), report.session.title)
        for label, value in report.facts:
            document.add_paragraph(f"{label}: {value}")
        if report.draft_note:
            doc.docx_paragraph(document, report.draft_note)
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, (_("Expression"), _("Collectives"), _("Individuals")), strict=True
        ):
            cell.text = text
        for label, c, i in report.items:
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = label, str(c), str(i)
        if report.lines:
            document.add_paragraph()
            table = document.add_table(rows=1, cols=6)
            table.style = "Table Grid"
            heads = (
                _("Who"),
                _("Expression"),
                _("Causes and remedy"),
                _("Followed up by"),
                _("Deadline"),
                _("Status"),
            )
            for cell, text in zip(table.rows[0].cells, heads, strict=True):
                cell.text = text
            for r in report.lines:
                cells = table.add_row().cells
                for cell, text in zip(
                    cells,
                    (r.who, r.item, r.remedy, r.follow_up_by, r.due_on, r.status),
                    strict=True,
                ):
                    cell.text = text
        for label, value in report.totals:
            document.add_paragraph(f"{label}: {value}")
        if report.none_apply:
            document.add_paragraph(_("No expression applies: ") + ", ".join(report.none_apply))
        if report.session.conclusion:
            doc.docx_paragraph(document, report.session.conclusion)
        doc.docx_signature(document, _signature(report))
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def report_xlsx(session: Session) -> bytes:
    """Return the session's figures as a workbook: facts, expressions, findings."""
    with override("vi"):
        report = build_report(session)
        items = checklist_items(report.session.checklist)
        summary = session_summary(report.session)
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = _("Session")[:31]
        ws.append([report.session.title])
        ws["A1"].font = Font(bold=True)
        for label, value in (*report.facts, *report.totals):
            ws.append([label, value])
        if report.draft_note:
            ws.append([report.draft_note])
        sheet = wb.create_sheet(_("Expressions")[:31])
        sheet.append(
            [_("No."), _("Key"), _("Expression"), _("Wording"), _("Collectives"), _("Individuals")]
        )
        for item in items:
            counts = summary.count(item.key)
            sheet.append(
                [
                    item.order,
                    item.key,
                    item_label(item),
                    _("verified") if item.verified else draft_mark(),
                    counts.collectives,
                    counts.individuals,
                ]
            )
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["C"].width = 80
        for row in sheet.iter_rows(min_row=2):
            row[2].alignment = Alignment(wrap_text=True, vertical="top")
        lines = wb.create_sheet(_("Findings")[:31])
        lines.append(
            [
                _("Who"),
                _("Expression"),
                _("Causes and remedy"),
                _("Followed up by"),
                _("Deadline"),
                _("Status"),
            ]
        )
        for r in report.lines:
            lines.append([r.who, r.item, r.remedy, r.follow_up_by, r.due_on, r.status])
        buffer = io.BytesIO()
        neutralise_workbook(wb)
        wb.save(buffer)
        return buffer.getvalue()


__all__ = ["aggregate", "build_report", "report_docx", "report_pdf", "report_xlsx"]
