"""The follow-through report of a reader's scope, on the web and as PDF, DOCX and XLSX.

Plan status per leader, per unit and for the whole scope; the posting rate of
self-cultivation plans; overdue measures. Built once (:func:`build_report`) into plain
dataclasses that every format prints; it holds no score and no comment of any report.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from phieukin.accounts.access import AccessDenied, authorize
from phieukin.accounts.models import Membership
from phieukin.core import documents as party
from phieukin.core.spreadsheets import neutralise_workbook
from phieukin.followup import selectors
from phieukin.followup.lifecycle import BINDING, PlanState
from phieukin.followup.models import PlanStateChoices
from phieukin.reports.formatting import percent
from phieukin.units import lineage
from phieukin.units.models import Unit

FORMATS = ("pdf", "docx", "xlsx")
DOCUMENT_LANGUAGE = "vi"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class LeaderLine:
    unit: str
    name: str
    title: str
    responded: bool
    state: str  # printed label
    version: int | None
    measures: int
    overdue: int
    progress: int | None


@dataclass(frozen=True)
class UnitLine:
    unit: str
    leaders: int
    responded: int
    approved: int  # plans approved, in progress or completed
    completed: int
    overdue: int


@dataclass(frozen=True)
class RoundSection:
    title: str
    leaders: list[LeaderLine]
    units: list[UnitLine]
    states: list[tuple[str, int]]  # printed state label, count (scope total)


@dataclass(frozen=True)
class RateLine:
    unit: str
    required: int
    posted: int
    rate: float | None


@dataclass(frozen=True)
class OverdueLine:
    unit: str
    leader: str
    round: str
    measure: str
    deadline: dt.date
    percent: int
    days: int


@dataclass(frozen=True)
class FollowupReport:
    scope: str
    scope_unit: Unit
    year: int
    day: dt.date
    rounds: list[RoundSection]
    rates: list[RateLine]
    total_required: int
    total_posted: int
    total_rate: float | None
    overdue: list[OverdueLine]


@dataclass(frozen=True)
class Rendered:
    filename: str
    content_type: str
    data: bytes


def _scope_unit(user: Any) -> Unit:
    ids = selectors.scope_units(user)
    memberships = (
        Membership.objects.filter(user=user, unit_id__in=ids, role__in=selectors.SCOPE_ROLES)
        .select_related("unit")
        .order_by("unit__sort_key")
    )
    roots = [m.unit for m in memberships]
    if not roots:
        raise AccessDenied("no scope", code="forbidden")
    # The highest unit the user reaches names the report.
    return min(roots, key=lambda u: len(u.ancestors()))


def _state_label(state: str | None) -> str:
    if state is None:
        return _("No plan yet")
    return str(PlanStateChoices(state).label)


def build_report(user: Any, *, year: int, today: dt.date | None = None) -> FollowupReport:
    """Return the follow-through report of the user's scope for *year*."""
    today = today or timezone.localdate()
    scope = _scope_unit(user)
    authorize(user, "followup.report.view", selectors.UnitRef(scope.pk))
    with override(DOCUMENT_LANGUAGE):
        rounds = []
        for rnd in selectors.status_rounds(user):
            rows = selectors.remediation_status(user, rnd, today=today)
            leaders = [
                LeaderLine(
                    unit=str(r.subject.conference.unit),
                    name=r.subject.name,
                    title=r.subject.title,
                    responded=r.responded,
                    state=_state_label(r.plan.state if r.plan else None),
                    version=r.plan.version if r.plan else None,
                    measures=r.measures,
                    overdue=r.overdue,
                    progress=r.progress,
                )
                for r in rows
            ]
            per_unit: dict[str, list[selectors.StatusRow]] = {}
            for r in rows:
                per_unit.setdefault(str(r.subject.conference.unit), []).append(r)
            units = [
                UnitLine(
                    unit=name,
                    leaders=len(rs),
                    responded=sum(1 for r in rs if r.responded),
                    approved=sum(1 for r in rs if r.plan and r.plan.state in BINDING),
                    completed=sum(1 for r in rs if r.plan and r.plan.state == PlanState.COMPLETED),
                    overdue=sum(r.overdue for r in rs),
                )
                for name, rs in per_unit.items()
            ]
            counts = Counter(r.plan.state if r.plan else None for r in rows)
            states = [(_state_label(None), counts.get(None, 0))] + [
                (str(label), counts.get(value, 0)) for value, label in PlanStateChoices.choices
            ]
            rounds.append(RoundSection(rnd.title, leaders, units, states))
        rate = selectors.posting_rate_for(user, year)
        rates = [RateLine(u.unit_name, u.required, u.posted, u.rate) for u in rate.units]
        overdue = [
            OverdueLine(
                unit=str(o.plan.unit),
                leader=o.plan.subject.name,
                round=o.plan.round.title,
                measure=o.measure.action,
                deadline=o.measure.deadline or today,
                percent=o.measure.percent,
                days=o.days,
            )
            for o in selectors.overdue_measures(user, today=today)
        ]
        return FollowupReport(
            scope=str(scope),
            scope_unit=scope,
            year=year,
            day=today,
            rounds=rounds,
            rates=rates,
            total_required=rate.required,
            total_posted=rate.posted,
            total_rate=rate.rate,
            overdue=overdue,
        )


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def tables(report: FollowupReport) -> list[tuple[str, list[str], list[list[str]]]]:
    """Return the report's tables as (title, header, rows) of printed strings."""
    out: list[tuple[str, list[str], list[list[str]]]] = []
    for section in report.rounds:
        out.append(
            (
                _("Remediation plans, %(round)s: by leader") % {"round": section.title},
                [
                    _("Unit"),
                    _("Leader"),
                    _("Response"),
                    _("Plan status"),
                    _("Version"),
                    _("Measures"),
                    _("Overdue"),
                    _("Progress"),
                ],
                [
                    [
                        line.unit,
                        f"{line.name} — {line.title}",
                        _yes(line.responded),
                        line.state,
                        str(line.version or "–"),
                        str(line.measures),
                        str(line.overdue),
                        "–" if line.progress is None else f"{line.progress} %",
                    ]
                    for line in section.leaders
                ],
            )
        )
        out.append(
            (
                _("Remediation plans, %(round)s: by unit") % {"round": section.title},
                [
                    _("Unit"),
                    _("Leaders"),
                    _("Responses"),
                    _("Plans approved"),
                    _("Completed"),
                    _("Overdue measures"),
                ],
                [
                    [
                        u.unit,
                        str(u.leaders),
                        str(u.responded),
                        str(u.approved),
                        str(u.completed),
                        str(u.overdue),
                    ]
                    for u in section.units
                ],
            )
        )
        out.append(
            (
                _("Remediation plans, %(round)s: whole scope") % {"round": section.title},
                [_("Plan status"), _("Leaders")],
                [[label, str(n)] for label, n in section.states],
            )
        )
    out.append(
        (
            _("Posting of self-cultivation plans, %(year)s") % {"year": report.year},
            [_("Unit"), _("Required"), _("Posted"), _("Posting rate")],
            [[r.unit, str(r.required), str(r.posted), percent(r.rate)] for r in report.rates]
            + [
                [
                    _("Total"),
                    str(report.total_required),
                    str(report.total_posted),
                    percent(report.total_rate),
                ]
            ],
        )
    )
    out.append(
        (
            _("Overdue measures"),
            [
                _("Unit"),
                _("Leader"),
                _("Round"),
                _("Measure"),
                _("Deadline"),
                _("Progress"),
                _("Days overdue"),
            ],
            [
                [
                    o.unit,
                    o.leader,
                    o.round,
                    o.measure,
                    _day(o.deadline),
                    f"{o.percent} %",
                    str(o.days),
                ]
                for o in report.overdue
            ],
        )
    )
    return out


def _header(report: FollowupReport) -> party.PartyHeader:
    # HD 36: the upper line is the body directly above the issuer, so the department
    # issues under its committee ("QUẬN ỦY LONG BIÊN / BAN TUYÊN GIÁO").
    body = lineage.issuing_body(report.scope_unit, report.day, by_department=True)
    return party.PartyHeader(
        superior=body.superior,
        issuer=body.issuer,
        number="Số     -BC/" + body.symbol,
        place=body.place,
        day=report.day,
    )


def _summary_line(report: FollowupReport) -> str:
    return _(
        "Follow-through of the feedback rounds and posting of self-cultivation plans, %(scope)s"
    ) % {"scope": report.scope}


def _intro(report: FollowupReport) -> str:
    return _(
        "In %(year)s, %(posted)s of %(required)s heads posted their self-cultivation plan "
        "(posting rate %(rate)s); %(overdue)s measures of remediation plans are overdue."
    ) % {
        "year": report.year,
        "posted": report.total_posted,
        "required": report.total_required,
        "rate": percent(report.total_rate),
        "overdue": len(report.overdue),
    }


def _signature() -> party.SignatureBlock:
    return party.SignatureBlock(
        authority=_("FOR THE DEPARTMENT"),
        position=_("HEAD OF DEPARTMENT"),
        recipients=[
            _("The Standing Committee (to report),"),
            _("The Fatherland Front committee (to supervise),"),
            _("Archive."),
        ],
    )


def render_pdf(report: FollowupReport) -> bytes:
    st = party.styles()
    flow: list[Flowable] = party.header_flowables(_header(report))
    flow += party.title_flowables(_("REPORT"), _summary_line(report))
    flow.append(Paragraph(party.escape(_intro(report)), st["body"]))
    for title, header, rows in tables(report):
        flow.append(Paragraph(party.escape(title), st["section"]))
        data = [[Paragraph(party.escape(h), st["cell_center"]) for h in header]]
        data += [[Paragraph(party.escape(c), st["cell"]) for c in row] for row in rows]
        if not rows:
            data.append(
                [Paragraph(party.escape(_("None.")), st["cell"])] + [""] * (len(header) - 1)
            )
        table = Table(
            data, repeatRows=1, colWidths=[party.CONTENT_WIDTH / len(header)] * len(header)
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm / 2),
                ]
            )
        )
        flow.append(table)
    flow += party.signature_flowables(_signature())
    buffer = io.BytesIO()
    party.build_pdf(buffer, flow, title=_summary_line(report))
    return buffer.getvalue()


def render_docx(report: FollowupReport) -> bytes:
    document = party.docx_document(_header(report))
    party.docx_title(document, _("REPORT"), _summary_line(report))
    party.docx_paragraph(document, _intro(report))
    for title, header, rows in tables(report):
        paragraph = document.add_paragraph()
        paragraph.add_run(title).bold = True
        table = document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    party.docx_signature(document, _signature())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_xlsx(report: FollowupReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    first = True
    for n, (title, header, rows) in enumerate(tables(report), start=1):
        ws = wb.active if first else wb.create_sheet()
        first = False
        assert ws is not None
        ws.title = f"{n}"
        ws.append([title])
        ws["A1"].font = Font(bold=True)
        ws.append(header)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([int(c) if c.isdigit() else c for c in row])
        for column in ws.columns:
            letter = column[0].column_letter
            ws.column_dimensions[letter].width = min(
                60, max(10, *(len(str(c.value or "")) for c in column[1:]))
            )
    buffer = io.BytesIO()
    neutralise_workbook(wb)
    wb.save(buffer)
    return buffer.getvalue()


def render(report: FollowupReport, fmt: str) -> Rendered:
    """Return the report as a file in *fmt* ("pdf", "docx" or "xlsx")."""
    renderers = {"pdf": render_pdf, "docx": render_docx, "xlsx": render_xlsx}
    with override(DOCUMENT_LANGUAGE):
        data = renderers[fmt](report)
    return Rendered(f"theo-doi-khac-phuc-{report.year}.{fmt}", CONTENT_TYPES[fmt], data)
