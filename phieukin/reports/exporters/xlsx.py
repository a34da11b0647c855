"""XLSX exporter: every released aggregate, one sheet per level, charts, anonymised ballots."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from phieukin.core.spreadsheets import neutralise_workbook
from phieukin.reports import formatting as fmt
from phieukin.reports import texts
from phieukin.reports.content import DistrictSummary, ExtraSection, LeaderReport, Score
from phieukin.reports.exporters.base import Exporter, LeaderCharts, SummaryCharts, register

BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")
# Number formats: Excel shows them with the reader's separators (decimal comma and
# thousands dot in a Vietnamese locale); the stored values are rounded as displayed.
PERCENT = "0.0%"
INTEGER = "#,##0"
DECIMAL = "0.00"


@dataclass(frozen=True)
class Formatted:
    """A number and the format Excel shows it in."""

    value: int | float
    number_format: str


# Suppressed cells hold this text, never a number, so a formula cannot recover them.
Cell = str | int | float | Formatted | None


def _value(value: int | None) -> Cell:
    """Return a whole count in integer format, or the suppressed mark."""
    return fmt.SUPPRESSED_MARK if value is None else Formatted(value, INTEGER)


def _mean(value: float | None, missing: str = fmt.SUPPRESSED_MARK) -> Cell:
    """Return a mean score rounded to two decimals, or *missing*."""
    return missing if value is None else Formatted(round(value, 2), DECIMAL)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("yes") if value else _("no"))


def _sheet(wb: Workbook, title: str, first: bool = False) -> Worksheet:
    title = re.sub(r"[\\/*?:\[\]]", "-", title)[:31]
    if first:
        ws = wb.active
        assert ws is not None
        ws.title = title[:31]
        return ws
    return wb.create_sheet(title[:31])


def _rows(ws: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    ws.append(list(header))
    for cell in ws[ws.max_row]:
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([c.value if isinstance(c, Formatted) else c for c in row])
        for cell, value in zip(ws[ws.max_row], row, strict=False):
            if isinstance(value, Formatted):
                cell.number_format = value.number_format


def _image(ws: Worksheet, png: bytes, anchor: str, width: int = 640) -> None:
    image = Image(io.BytesIO(png))
    ratio = image.height / image.width
    image.width = width
    image.height = int(width * ratio)
    ws.add_image(image, anchor)


def _share(value: float | None) -> Cell:
    """Return a share (0–1) in percent format with one decimal, or the suppressed mark."""
    return fmt.SUPPRESSED_MARK if value is None else Formatted(round(value, 3), PERCENT)


def _score_row(score: Score) -> list[Cell]:
    return [
        score.key,
        score.title,
        _mean(score.mean),
        _share(score.good_share),
        _mean(score.previous_mean, ""),
        _mean(score.average_mean, ""),
    ]


def _extra_sheet(ws: Worksheet, extra: ExtraSection) -> None:
    """Write a section added by another app: title, notes, table (text as printed), footnotes."""
    ws.append([extra.title])
    ws[ws.max_row][0].font = BOLD
    for note in extra.notes:
        ws.append([note])
    if extra.columns:
        _rows(ws, extra.columns, extra.rows)
        for row in ws.iter_rows(min_row=ws.max_row - len(extra.rows) + 1):
            for index, cell in enumerate(row):
                if index in extra.numeric:
                    cell.alignment = Alignment(horizontal="right")
        for index, _column in enumerate(extra.columns):
            letter = chr(ord("A") + index)
            ws.column_dimensions[letter].width = 12 if index in extra.numeric else 40
    for note in extra.footnotes:
        ws.append([note])


def _score_header() -> list[str]:
    return [
        pgettext("workbook column", "Part"),
        _("Section"),
        _("Mean score"),
        _("Good and fair share"),
        _("Previous round"),
        _("District average"),
    ]


def _item_sheet(ws: Worksheet, reports: Sequence[LeaderReport], with_leader: bool) -> None:
    if not reports:
        return
    options = reports[0].options
    header = [
        *([_("Leader"), _("Ward")] if with_leader else []),
        pgettext("report column", "No."),
        pgettext("report column", "Item"),
        *[_("%(option)s (answers)") % {"option": o.label} for o in options],
        *[
            _("%(option)s (%% of the answers that rate the item)") % {"option": o.label}
            for o in options
            if o.scored
        ],
        _("Valid answers"),
        pgettext("report column", "Mean"),
        pgettext("report column", "Low"),
        _("Flagged"),
    ]
    rows: list[list[Cell]] = []
    for report in reports:
        if report.withheld:
            continue
        for item in report.items:
            counts = item.counts or tuple(None for _o in options)
            shares = item.shares or tuple(None for _o in options)
            rows.append(
                [
                    *([report.name, report.ward] if with_leader else []),
                    item.number,
                    item.text,
                    *[_value(n) for n in counts],
                    *[_share(s) for o, s in zip(options, shares, strict=True) if o.scored],
                    _value(item.answered),
                    _mean(item.mean),
                    _share(item.low_share),
                    ", ".join(item.flags),
                ]
            )
    _rows(ws, header, rows)
    ws.column_dimensions["D" if with_leader else "B"].width = 60


@register
class XlsxExporter(Exporter):
    """Workbooks with every aggregate the engine released."""

    key = "xlsx"
    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    label = "XLSX"

    def leader(self, report: LeaderReport, images: LeaderCharts) -> bytes:
        wb = Workbook()
        ws = _sheet(wb, pgettext("sheet name", "Participation"), first=True)
        ws.append([texts.leader_subject_line(report)])
        ws.append([report.head.secrecy, report.head.circulation])
        _rows(ws, texts.participation_headers(), [_participation_row(report)])
        if not report.withheld:
            _item_sheet(_sheet(wb, pgettext("sheet name", "Items")), [report], with_leader=False)
            scores = _sheet(wb, pgettext("sheet name", "Scores"))
            _rows(
                scores,
                _score_header(),
                [_score_row(s) for s in (*report.sections, report.overall)],
            )
            charts_ws = _sheet(wb, pgettext("sheet name", "Charts"))
            _image(charts_ws, images.options, "A1")
            _image(charts_ws, images.scores, "L1")
        for extra in report.extra_sections:
            _extra_sheet(_sheet(wb, extra.title), extra)
        rules = _sheet(wb, pgettext("sheet name", "Disclosure rules"))
        for line in [
            texts.flag_rule_line(report.disclosure),
            *texts.disclosure_lines(report.disclosure),
        ]:
            rules.append([line])
        return _save(wb)

    def summary(self, summary: DistrictSummary, images: SummaryCharts) -> bytes:
        wb = Workbook()
        district = _sheet(wb, pgettext("sheet name", "District"), first=True)
        district.append([texts.summary_subject_line(summary)])
        _rows(
            district,
            _score_header(),
            [_score_row(s) for s in (*summary.sections, summary.overall)],
        )
        district.append([])
        district.append([texts.trend_line(summary)])
        _image(district, images.trend, "H2", 480)

        wards = _sheet(wb, pgettext("sheet name", "Wards"))
        _rows(
            wards,
            texts.ward_headers(),
            [
                [
                    line.ward,
                    _value(line.participation.invited),
                    _value(line.participation.present),
                    _share(line.participation.rate),
                    _value(line.participation.valid),
                    _value(line.participation.invalid),
                    _yes_no(line.meets_target),
                ]
                for line in summary.wards
            ],
        )
        _image(wards, images.participation, "I2")

        leaders = _sheet(wb, pgettext("sheet name", "Leaders"))
        _rows(
            leaders,
            [
                pgettext("report column", "No."),
                _("Leader"),
                _("Position"),
                _("Ward"),
                _("Mean score"),
                _("Good and fair share"),
                _("Flagged items"),
            ],
            [
                [
                    number,
                    line.name,
                    line.title,
                    line.ward,
                    _mean(line.overall.mean),
                    _share(line.overall.good_share),
                    fmt.SUPPRESSED_MARK if line.withheld else "; ".join(line.flagged),
                ]
                for number, line in enumerate(summary.leaders, start=1)
            ],
        )
        _image(leaders, images.distribution, "I2", 480)

        matrix = _sheet(wb, pgettext("sheet name", "Items × leaders"))
        _rows(
            matrix,
            [
                pgettext("report column", "No."),
                pgettext("report column", "Item"),
                *[line.name for line in summary.leaders],
            ],
            [
                [label, text, *[_mean(v) for v in row]]
                for label, text, row in zip(
                    summary.item_labels, summary.item_texts, summary.heatmap, strict=True
                )
            ],
        )
        row = len(summary.item_labels) + 4
        for page in images.heatmaps:
            _image(matrix, page, f"A{row}", 900)
            row += 60

        if summary.ward_item_means:
            by_ward = _sheet(wb, pgettext("sheet name", "Items × wards"))
            _rows(
                by_ward,
                [
                    pgettext("report column", "No."),
                    pgettext("report column", "Item"),
                    *[line.ward for line in summary.wards],
                    summary.district,
                ],
                [
                    [
                        label,
                        text,
                        *[_mean(v) for v in row],
                        _mean(total),
                    ]
                    for label, text, row, total in zip(
                        summary.item_labels,
                        summary.item_texts,
                        summary.ward_item_means,
                        summary.district_item_means or [None] * len(summary.item_labels),
                        strict=True,
                    )
                ],
            )

        _item_sheet(
            _sheet(wb, pgettext("sheet name", "Leader × item")),
            summary.leader_reports,
            with_leader=True,
        )

        if summary.ballots is not None:
            ballots = _sheet(wb, pgettext("sheet name", "Ballots"))
            _rows(ballots, summary.ballots.columns, summary.ballots.rows)
            if summary.ballots.note:
                # An Excel note on the header: the first row stays the column names.
                ballots["A1"].comment = Comment(summary.ballots.note, "phieukin", 120, 360)

        rules = _sheet(wb, pgettext("sheet name", "Disclosure rules"))
        for line in [
            texts.flag_rule_line(summary.disclosure),
            *texts.disclosure_lines(summary.disclosure),
        ]:
            rules.append([line])
        return _save(wb)


def _participation_row(report: LeaderReport) -> list[Cell]:
    p = report.participation
    return [
        _value(p.invited),
        _value(p.present),
        _share(p.rate),
        _value(p.issued),
        _value(p.returned),
        _value(p.valid),
        _value(p.invalid),
    ]


def _save(wb: Workbook) -> bytes:
    neutralise_workbook(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
