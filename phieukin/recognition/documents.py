"""The recognition report in Party-document form (HD 36): PDF, DOCX and XLSX.

"BÁO CÁO số lượng Người tốt, việc tốt và mô hình": the counts per year and level, the
counts per unit for each year, and the models held up as examples (those marked
public). Rendered inside ``translation.override("vi")`` by the caller's service.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from phieukin.accounts.access import authorize
from phieukin.core import documents as doc
from phieukin.core.spreadsheets import neutralise_workbook
from phieukin.recognition.selectors import CountRow, Counts, counts, models_for, subtree
from phieukin.units import lineage
from phieukin.units.models import Unit


@dataclass(frozen=True)
class Example:
    name: str
    unit: str
    year: int
    results: str


@dataclass(frozen=True)
class RecognitionReport:
    """What the report prints."""

    header: doc.PartyHeader
    signature: doc.SignatureBlock
    unit: str
    counts: Counts
    examples: tuple[Example, ...]


def build_report(
    *,
    unit_name: str,
    superior: str,
    issuer: str,
    suffix: str,
    place: str,
    day: dt.date,
    counts: Counts,
    examples: list[Example],
) -> RecognitionReport:
    """Return the report content for the counts of *unit_name*."""
    return RecognitionReport(
        header=doc.PartyHeader(
            superior=superior,
            issuer=issuer,
            number=f"Số\u00a0\u00a0\u00a0\u00a0\u00a0-BC/{suffix}",
            place=place,
            day=day,
        ),
        signature=doc.SignatureBlock(
            authority=_("ON BEHALF OF THE STANDING COMMITTEE"),
            position=_("STANDING DEPUTY SECRETARY"),
            recipients=[
                _("The Standing Committee of the district Party committee (to report),"),
                _("The emulation and rewards council,"),
                _("Archive: the office of the district Party committee."),
            ],
        ),
        unit=unit_name,
        counts=counts,
        examples=tuple(examples),
    )


def title() -> str:
    return _("REPORT")


def summary(report: RecognitionReport) -> str:
    return _("The “Good person, good deed” honourees and emulation models of %(unit)s") % {
        "unit": report.unit
    }


def year_header() -> list[str | int]:
    return [
        _("Year"),
        _("District level"),
        _("City level"),
        _("National level"),
        _("Honourees in total"),
        _("Emulation models"),
    ]


def year_cells(row: CountRow) -> list[str | int]:
    return [row.label, row.district, row.city, row.national, row.honourees, row.models]


def unit_header() -> list[str | int]:
    return [_("Unit"), *year_header()[1:]]


def intro(report: RecognitionReport) -> str:
    total = report.counts.total
    years = [r.label for r in report.counts.years]
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (years[0] if years else "")
    return _(
        "In %(span)s, %(honourees)s people were named “Good person, good deed” "
        "(%(district)s at district level, %(city)s at city level, %(national)s at national "
        "level) and %(models)s emulation models were recorded."
    ) % {
        "span": span,
        "honourees": total.honourees,
        "district": total.district,
        "city": total.city,
        "national": total.national,
        "models": total.models,
    }


# --- PDF --------------------------------------------------------------------------------


def _table(rows: list[list[str | int]], widths: list[float]) -> Table:
    st = doc.styles()
    data = [
        [
            Paragraph(doc.escape(str(c)), st["cell_center"] if i else st["cell"])
            for i, c in enumerate(r)
        ]
        for r in rows
    ]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"),
            ]
        )
    )
    return table


def render_pdf(report: RecognitionReport) -> bytes:
    """Return the report as an A4 PDF in HD 36 form."""
    st = doc.styles()
    width = doc.CONTENT_WIDTH
    flow: list[Flowable] = [
        *doc.header_flowables(report.header),
        *doc.title_flowables(title(), summary(report)),
        Paragraph(doc.escape(intro(report)), st["body"]),
        Paragraph(doc.escape(_("I. Counts per year")), st["section"]),
        _table(
            [
                year_header(),
                *[year_cells(r) for r in report.counts.years],
                [_("Total"), *year_cells(report.counts.total)[1:]],
            ],
            [width * 0.2] + [width * 0.16] * 5,
        ),
        Spacer(1, 4),
        Paragraph(doc.escape(_("II. Counts per unit")), st["section"]),
    ]
    for year_row in report.counts.years:
        flow.append(
            Paragraph(doc.escape(_("Year %(year)s") % {"year": year_row.label}), st["plain"])
        )
        rows = report.counts.units.get(int(year_row.label), ())
        flow.append(
            _table(
                [unit_header(), *[year_cells(r) for r in rows]],
                [width * 0.3] + [width * 0.14] * 5,
            )
        )
        flow.append(Spacer(1, 4))
    if report.examples:
        flow.append(Paragraph(doc.escape(_("III. Models held up as examples")), st["section"]))
        for e in report.examples:
            flow.append(
                Paragraph(doc.escape(f"- {e.name} ({e.unit}, {e.year}): {e.results}"), st["body"])
            )
    flow += doc.signature_flowables(report.signature)
    buffer = io.BytesIO()
    doc.build_pdf(buffer, flow, title=summary(report))
    return buffer.getvalue()


# --- DOCX -------------------------------------------------------------------------------


def _docx_table(document: object, rows: list[list[str | int]]) -> None:
    table = document.add_table(rows=0, cols=len(rows[0]))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for index, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
            if index == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def render_docx(report: RecognitionReport) -> bytes:
    """Return the report as an editable DOCX (Times New Roman, HD 36 page set-up)."""
    document = doc.docx_document(report.header)
    doc.docx_title(document, title(), summary(report))
    doc.docx_paragraph(document, intro(report))
    document.add_paragraph(_("I. Counts per year")).runs[0].bold = True
    _docx_table(
        document,
        [
            year_header(),
            *[year_cells(r) for r in report.counts.years],
            [_("Total"), *year_cells(report.counts.total)[1:]],
        ],
    )
    document.add_paragraph(_("II. Counts per unit")).runs[0].bold = True
    for year_row in report.counts.years:
        document.add_paragraph(_("Year %(year)s") % {"year": year_row.label})
        rows = report.counts.units.get(int(year_row.label), ())
        _docx_table(document, [unit_header(), *[year_cells(r) for r in rows]])
    if report.examples:
        document.add_paragraph(_("III. Models held up as examples")).runs[0].bold = True
        for e in report.examples:
            doc.docx_paragraph(document, f"- {e.name} ({e.unit}, {e.year}): {e.results}")
    doc.docx_signature(document, report.signature)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- XLSX -------------------------------------------------------------------------------


def render_xlsx(report: RecognitionReport) -> bytes:
    """Return the counts as a workbook: per year, per unit and year, examples."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Per year")[:31]
    ws.append([summary(report)])
    ws["A1"].font = Font(bold=True)
    ws.append(year_header())
    for r in report.counts.years:
        ws.append(year_cells(r))
    ws.append([_("Total"), *year_cells(report.counts.total)[1:]])
    per_unit = wb.create_sheet(_("Per unit")[:31])
    per_unit.append([_("Year"), *unit_header()])
    for year_row in report.counts.years:
        for r in report.counts.units.get(int(year_row.label), ()):
            per_unit.append([int(year_row.label), *year_cells(r)])
    if report.examples:
        examples = wb.create_sheet(_("Examples")[:31])
        examples.append([_("Model"), _("Unit"), _("Year"), _("Results")])
        for e in report.examples:
            examples.append([e.name, e.unit, e.year, e.results])
    buffer = io.BytesIO()
    neutralise_workbook(wb)
    wb.save(buffer)
    return buffer.getvalue()


RENDERERS = {
    "pdf": (render_pdf, "application/pdf", "pdf"),
    "docx": (
        render_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "xlsx": (
        render_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
}


def report_for(user: object, unit: Unit, *, day: dt.date | None = None) -> RecognitionReport:
    """Return the counts report of *unit* and the units below it, as *user* may read them."""
    authorize(user, "recognition.report", unit)
    units = subtree(unit)
    examples = [
        Example(m.name, str(m.unit), m.year, m.results)
        for m in models_for(user).filter(unit_id__in=units, public=True).order_by("year", "name")
    ]
    day = day or timezone.localdate()
    # The committee under the Party organisation directly above it on that day (HD 36).
    body = lineage.issuing_body(unit, day, by_department=False)
    return build_report(
        unit_name=str(unit),
        superior=body.superior,
        issuer=body.issuer,
        suffix=body.symbol,
        place=body.place,
        day=day,
        counts=counts(user, unit_ids=units),
        examples=examples,
    )


def render(user: object, unit: Unit, fmt: str) -> tuple[str, str, bytes]:
    """Return (filename, content type, data) of the report in *fmt* ("pdf", "docx", "xlsx")."""
    renderer, content_type, extension = RENDERERS[fmt]
    with translation.override("vi"):
        data = renderer(report_for(user, unit))
    return f"bao-cao-khen-thuong-{unit.slug}.{extension}", content_type, data
