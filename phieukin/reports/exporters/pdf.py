"""PDF exporter: reportlab with the embedded Liberation Serif family (HD 36 layout)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from phieukin.core import documents
from phieukin.reports import texts
from phieukin.reports.content import DistrictSummary, DocumentHead, ExtraSection, LeaderReport
from phieukin.reports.exporters.base import Exporter, LeaderCharts, SummaryCharts, register

GRID = [
    ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    # Figures are plain strings, not paragraphs: drawn the same (centred, 9 pt, the
    # report font; "\n" breaks the line) at a fraction of a paragraph's layout cost.
    ("FONTNAME", (0, 0), (-1, -1), documents.FONT),
    ("FONTSIZE", (0, 0), (-1, -1), 9),
    ("LEADING", (0, 0), (-1, -1), 10.5),
    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
]


def _styles() -> dict[str, ParagraphStyle]:
    st = documents.styles()
    st["tcell"] = ParagraphStyle("pk-t", parent=st["cell"], fontSize=9, leading=10.5)
    st["tnum"] = ParagraphStyle("pk-tn", parent=st["cell_center"], fontSize=9, leading=10.5)
    st["thead"] = ParagraphStyle(
        "pk-th", parent=st["cell_center"], fontName=documents.FONT_BOLD, fontSize=9, leading=10.5
    )
    st["note"] = ParagraphStyle("pk-note", parent=st["small"], fontName=documents.FONT_ITALIC)
    return st


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(documents.escape(text).replace("\n", "<br/>"), style)


def _heading(text: str, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Return a section heading that does not stay alone at the foot of a page."""
    return [CondPageBreak(30 * mm), _p(text, st["section"])]


def _image(png: bytes, width: float, max_height: float = 200 * mm) -> Image:
    image = Image(io.BytesIO(png))
    ratio = image.imageHeight / image.imageWidth
    if width * ratio > max_height:
        width = max_height / ratio
    image.drawWidth = width
    image.drawHeight = width * ratio
    return image


def _table(
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    extra: Sequence[tuple[object, ...]] = (),
) -> Table:
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=1)
    table.setStyle(TableStyle([*GRID, *extra]))
    return table


def _extra_section(
    extra: ExtraSection, number: int, st: dict[str, ParagraphStyle], width: float
) -> list[Flowable]:
    """Return a section added by another app: heading, notes, table, footnotes."""
    flowables = _heading(texts.heading(number, extra.title), st)
    flowables += [_p(note, st["body"]) for note in extra.notes]
    if extra.columns:
        weights = [1.0 if i in extra.numeric else 3.0 for i in range(len(extra.columns))]
        widths = [width * wt / sum(weights) for wt in weights]
        rows: list[list[object]] = [[_p(h, st["thead"]) for h in extra.columns]]
        for row in extra.rows:
            rows.append(
                [
                    _p(c, st["tnum"] if i in extra.numeric else st["tcell"])
                    for i, c in enumerate(row)
                ]
            )
        flowables.append(_table(rows, widths))
    flowables += [_p(note, st["note"]) for note in extra.footnotes]
    return flowables


def _head(head: object) -> list[Flowable]:
    assert isinstance(head, DocumentHead)
    # The secrecy mark goes under the number and symbol (HD 36), inside the heading.
    return documents.header_flowables(
        documents.PartyHeader(
            superior=head.superior,
            issuer=head.issuer,
            number=head.number,
            place=head.place,
            day=head.day,
            secrecy=head.secrecy,
        )
    )


def _title(head: DocumentHead, summary: str) -> list[Flowable]:
    """Return the document type, its summary line and "Kính gửi: …"."""
    flowables = documents.title_flowables(_("REPORT"), summary)
    flowables += documents.addressee_flowables(head.addressee)
    if head.circulation:
        flowables.append(_p(head.circulation, _styles()["note"]))
    return flowables


def _signature(head: object) -> list[Flowable]:
    assert isinstance(head, DocumentHead)
    return documents.signature_flowables(
        documents.SignatureBlock(
            authority=head.authority,
            position=head.position,
            name=head.signer,
            recipients=list(head.recipients),
        )
    )


@register
class PdfExporter(Exporter):
    """Reports as PDF/A4 with embedded fonts and PNG charts."""

    key = "pdf"
    extension = "pdf"
    content_type = "application/pdf"
    label = "PDF"

    def leader(self, report: LeaderReport, images: LeaderCharts) -> bytes:
        st = _styles()
        w = documents.CONTENT_WIDTH
        story: list[Flowable] = [*_head(report.head)]
        story += _title(report.head, texts.leader_subject_line(report))
        for paragraph in texts.leader_intro(report):
            story.append(_p(paragraph, st["body"]))

        story += _heading(texts.heading(1, _("Participation")), st)
        story.append(_participation_table(report, st, w))
        if report.withheld:
            story.append(_p(texts.withheld_paragraph(report), st["body"]))
        else:
            story += _heading(texts.heading(2, _("Results per item")), st)
            story.append(_item_table(report, st, w))
            story.append(_p(texts.table_note(report), st["note"]))
            story.append(Spacer(1, 3 * mm))
            story.append(_image(images.options, w))

            story += _heading(texts.heading(3, _("Overall and section scores")), st)
            story.append(_score_table(report, st, w))
            story.append(Spacer(1, 3 * mm))
            story.append(KeepTogether([_image(images.scores, w * 0.9)]))

            story += _heading(texts.heading(4, _("Shortcomings and weaknesses")), st)
            story.append(_p(texts.flag_rule_line(report.disclosure), st["body"]))
            flagged = report.flagged_items
            if flagged:
                for item in flagged:
                    story.append(_p(texts.flagged_line(item), st["body"]))
            else:
                story.append(_p(_("No item reached the flag rule."), st["body"]))

            story += _heading(texts.heading(5, _("Comments")), st)
            if report.comments is None:
                story.append(_p(texts.comments_withheld(report.disclosure), st["body"]))
            elif not report.comments:
                story.append(_p(_("No comment was written."), st["body"]))
            else:
                story.append(_p(texts.comments_intro(), st["note"]))
                for comment in report.comments:
                    story.append(_p(f"– {comment}", st["body"]))

            story += _heading(texts.heading(6, _("Suggested points for the remediation plan")), st)
            for line in texts.remediation_points(report):
                story.append(_p(line, st["body"]))

        for number, extra in enumerate(report.extra_sections, start=7):
            story += _extra_section(extra, number, st, w)
        story += _heading(texts.heading(7 + len(report.extra_sections), _("Disclosure rules")), st)
        for line in texts.disclosure_lines(report.disclosure):
            story.append(_p(line, st["body"]))
        story += _signature(report.head)
        buffer = io.BytesIO()
        documents.build_pdf(buffer, story, title=texts.leader_subject_line(report))
        return buffer.getvalue()

    def summary(self, summary: DistrictSummary, images: SummaryCharts) -> bytes:
        st = _styles()
        w = documents.CONTENT_WIDTH
        story: list[Flowable] = [*_head(summary.head)]
        story += _title(summary.head, texts.summary_subject_line(summary))
        for paragraph in texts.summary_intro(summary):
            story.append(_p(paragraph, st["body"]))

        story += _heading(texts.heading(1, _("Participation per ward")), st)
        rows: list[list[object]] = [
            [_p(h, st["thead"]) for h in texts.ward_headers()],
        ]
        for line in summary.wards:
            cells = texts.ward_cells(line)
            rows.append([_p(cells[0], st["tnum"]), *cells[1:]])
        rows.append([_p(c, st["thead"]) for c in texts.total_cells(summary.total)])
        story.append(
            _table(rows, [w * 0.28, w * 0.12, w * 0.12, w * 0.12, w * 0.12, w * 0.12, w * 0.12])
        )
        story.append(Spacer(1, 3 * mm))
        story.append(_image(images.participation, w, max_height=95 * mm))

        story += _heading(texts.heading(2, _("Scores per leader")), st)
        rows = [[_p(h, st["thead"]) for h in texts.leader_line_headers()]]
        for number, leader in enumerate(summary.leaders, start=1):
            rows.append([_p(c, st["tcell"]) for c in texts.leader_line_cells(leader, number)])
        story.append(_table(rows, [w * 0.07, w * 0.33, w * 0.2, w * 0.12, w * 0.14, w * 0.14]))
        story.append(Spacer(1, 3 * mm))
        story += [_image(page, w) for page in images.heatmaps]
        story.append(_image(images.distribution, w * 0.8))

        story += _heading(texts.heading(3, _("Trend across rounds")), st)
        story.append(_p(texts.trend_line(summary), st["body"]))
        story.append(_image(images.trend, w * 0.85))

        story += _heading(texts.heading(4, _("Flagged items per leader")), st)
        story.append(_p(texts.flag_rule_line(summary.disclosure), st["body"]))
        for leader in summary.leaders:
            story.append(_p(texts.leader_flags_line(leader), st["body"]))

        story += _heading(texts.heading(5, _("Disclosure rules")), st)
        for rule in texts.disclosure_lines(summary.disclosure):
            story.append(_p(rule, st["body"]))
        story += _signature(summary.head)
        buffer = io.BytesIO()
        documents.build_pdf(buffer, story, title=texts.summary_subject_line(summary))
        return buffer.getvalue()


def _participation_table(report: LeaderReport, st: dict[str, ParagraphStyle], w: float) -> Table:
    rows = [
        [_p(h, st["thead"]) for h in texts.participation_headers()],
        list(texts.participation_cells(report.participation)),
    ]
    return _table(rows, [w / 7] * 7)


def _item_table(report: LeaderReport, st: dict[str, ParagraphStyle], w: float) -> Table:
    options = report.options
    header = [
        _p(pgettext("report column", "No."), st["thead"]),
        _p(pgettext("report column", "Item"), st["thead"]),
        *[_p(o.label, st["thead"]) for o in options],
        _p(pgettext("report column", "Mean"), st["thead"]),
        _p(pgettext("report column", "Low"), st["thead"]),
    ]
    rows: list[list[object]] = [header]
    extra: list[tuple[object, ...]] = []
    for index, item in enumerate(report.items, start=1):
        cells = texts.item_cells(item, options)
        rows.append(
            [
                str(item.number),
                _p(item.text + (" ▲" if item.flagged else ""), st["tcell"]),
                *cells,
            ]
        )
        if item.flagged:
            extra.append(("BACKGROUND", (0, index), (-1, index), colors.HexColor("#fbe3e6")))
    option_w = 15 * mm
    fixed = 8 * mm + option_w * len(options) + 12 * mm + 14 * mm
    widths = [8 * mm, w - fixed, *[option_w] * len(options), 12 * mm, 14 * mm]
    return _table(rows, widths, extra)


def _score_table(report: LeaderReport, st: dict[str, ParagraphStyle], w: float) -> Table:
    rows: list[list[object]] = [[_p(h, st["thead"]) for h in texts.score_headers(report)]]
    for score in (*report.sections, report.overall):
        cells = texts.score_cells(score)
        rows.append([_p(cells[0], st["tcell"]), *cells[1:]])
    return _table(rows, [w * 0.4, w * 0.15, w * 0.15, w * 0.15, w * 0.15])
