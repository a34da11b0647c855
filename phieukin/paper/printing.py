"""Printable paper ballots (PDF) for a box: markers, QR, items with one box per option.

:func:`render_ballots_pdf` takes plain dataclasses and is testable without a database;
:func:`render_box_ballots_pdf` is the thin adapter for a ``BallotBox`` model instance.
The QR names round, box, leader, questionnaire version, page and a random per-copy
serial — never anything about the respondent.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import cv2
import numpy as np
import segno
from django.utils.translation import gettext as _
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from phieukin.core.documents import FONT, FONT_BOLD, FONT_ITALIC, PARTY_HEADING, register_fonts
from phieukin.paper.layout import (
    LEFT,
    MARKER_CELLS,
    MARKER_IDS,
    PAGE_H,
    PAGE_W,
    PT,
    QR_RECT,
    BallotLayout,
    PageLayout,
    Rect,
    TextBlock,
    build_layout,
    marker_rects,
    wrap,
)
from phieukin.paper.omr.types import SheetId, new_serial, sheet_number
from phieukin.questionnaires.yamlio import QuestionnaireSpec

if TYPE_CHECKING:
    from phieukin.rounds.models import BallotBox

ARUCO_DICT = cv2.aruco.DICT_4X4_50


@dataclass(frozen=True)
class SubjectSheet:
    """A leader evaluated on the ballot."""

    subject_id: int
    name: str
    title: str  # position, e.g. "Bí thư Đảng ủy phường Bồ Đề"


@dataclass(frozen=True)
class BoxSheetSpec:
    """Everything printed on a box's ballots that is not in the questionnaire."""

    round_id: int
    box_id: int
    round_title: str
    questionnaire: QuestionnaireSpec
    subjects: list[SubjectSheet]
    superior: str = ""  # e.g. "ĐẢNG BỘ QUẬN LONG BIÊN"
    issuer: str = ""  # e.g. "ĐẢNG ỦY PHƯỜNG BỒ ĐỀ"
    validity_rules: list[str] = field(default_factory=list)


def _mm_y(y: float) -> float:
    """Convert a top-origin y in mm to reportlab points (bottom origin)."""
    return (PAGE_H - y) * mm


def _marker_bits(marker_id: int) -> np.ndarray:
    dictionary = cv2.aruco.getPredefinedDictionary(ARUCO_DICT)
    return cv2.aruco.generateImageMarker(dictionary, marker_id, MARKER_CELLS) < 128


def _draw_cells(c: Canvas, bits: np.ndarray, rect: Rect) -> None:
    """Draw a boolean matrix of black cells into ``rect`` as one path."""
    rows, cols = bits.shape
    cw, ch = rect.w / cols, rect.h / rows
    path = c.beginPath()
    for r in range(rows):
        run_start: int | None = None
        for col in range(cols + 1):
            on = col < cols and bool(bits[r, col])
            if on and run_start is None:
                run_start = col
            elif not on and run_start is not None:
                x = rect.x + run_start * cw
                path.rect(
                    x * mm, _mm_y(rect.y + (r + 1) * ch), (col - run_start) * cw * mm, ch * mm
                )
                run_start = None
    c.drawPath(path, stroke=0, fill=1)


def _qr_bits(payload: str) -> np.ndarray:
    # A fixed mask pattern: every mask decodes, and choosing the "best" of eight costs
    # segno ~0.1 s per code, which matters with hundreds of copies.
    qr = segno.make(payload, error="m", micro=False, mask=2)
    return np.array([list(row) for row in qr.matrix], dtype=bool)


def _draw_qr(c: Canvas, payload: str, rect: Rect) -> None:
    """Draw the QR as a tiny 1-bit image scaled up (a viewer shows it pixel-exact)."""
    bits = _qr_bits(payload)
    image = Image.fromarray(np.where(bits, 0, 255).astype(np.uint8), mode="L")
    c.drawImage(ImageReader(image), rect.x * mm, _mm_y(rect.y + rect.h), rect.w * mm, rect.h * mm)


def _text(c: Canvas, block: TextBlock, *, center: float | None = None) -> None:
    c.setFont(block.font, block.size)
    for i, line in enumerate(block.lines):
        baseline = block.y + i * block.leading + block.size * 0.8 * PT
        if center is None:
            c.drawString(block.x * mm, _mm_y(baseline), line)
        else:
            c.drawCentredString(center * mm, _mm_y(baseline), line)


def _fit_line(text: str, font: str, size: float, width: float, minimum: float) -> float:
    """Return the largest size ≤ ``size`` (not below ``minimum``) at which text fits width."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > minimum and stringWidth(text, font, size) * PT > width:
        size -= 0.25
    return size


def _draw_fitted(
    c: Canvas, rect: Rect, text: str, font: str, size: float, *, max_lines: int, minimum: float
) -> None:
    """Print ``text`` inside ``rect`` on at most ``max_lines`` lines, shrinking as needed."""
    while True:
        lines = wrap(text, font, size, rect.w)
        lead = size * 1.15 * PT
        if (len(lines) <= max_lines and len(lines) * lead <= rect.h) or size <= minimum:
            break
        size -= 0.25
    lead = size * 1.15 * PT
    lines = lines[: max(1, min(max_lines, int(rect.h / lead)))]
    _text(c, TextBlock(rect.x, rect.y, tuple(lines), font, size, lead))


def _draw_header(c: Canvas, spec: BoxSheetSpec) -> None:
    """Draw the compact HD 36 heading: issuing body left, Party heading centre-right."""
    left_center = 50.0
    if spec.superior:
        size = _fit_line(spec.superior.upper(), FONT, 10, 70, 7)
        c.setFont(FONT, size)
        c.drawCentredString(left_center * mm, _mm_y(12.5), spec.superior.upper())
    if spec.issuer:
        size = _fit_line(spec.issuer.upper(), FONT_BOLD, 10, 70, 7)
        c.setFont(FONT_BOLD, size)
        c.drawCentredString(left_center * mm, _mm_y(17.0), spec.issuer.upper())
        c.setFont(FONT, 10)
        c.drawCentredString(left_center * mm, _mm_y(21.0), "*")
    party_center = 123.0
    c.setFont(FONT_BOLD, 11)
    c.drawCentredString(party_center * mm, _mm_y(12.5), PARTY_HEADING)
    c.setLineWidth(0.6)
    c.line((party_center - 25) * mm, _mm_y(14.0), (party_center + 25) * mm, _mm_y(14.0))
    c.setFont(FONT_BOLD, 11)
    c.drawCentredString(party_center * mm, _mm_y(20.0), _("SECRET BALLOT"))


def _draw_page(
    c: Canvas,
    spec: BoxSheetSpec,
    layout: BallotLayout,
    page: PageLayout,
    subject: SubjectSheet,
) -> None:
    """Draw everything of a page but its QR (the same on every copy of one leader's page)."""
    c.setFillGray(0)
    c.setStrokeGray(0)
    for marker_id, rect in zip(MARKER_IDS, marker_rects(), strict=True):
        _draw_cells(c, _marker_bits(marker_id), rect)
    _draw_header(c, spec)

    if page.title is not None:
        _text(c, page.title, center=PAGE_W / 2)
    subject_line = _("Leader: comrade %(name)s — %(title)s") % {
        "name": subject.name,
        "title": subject.title,
    }
    slot = page.subject
    _draw_fitted(
        c,
        Rect(slot.x, slot.y, slot.w, slot.h * 0.55),
        subject_line,
        FONT_BOLD,
        11,
        max_lines=1,
        minimum=7,
    )
    _draw_fitted(
        c,
        Rect(slot.x, slot.y + slot.h * 0.55, slot.w, slot.h * 0.45),
        spec.round_title,
        FONT_ITALIC,
        10,
        max_lines=1,
        minimum=7,
    )
    if page.instructions is not None:
        _text(c, page.instructions)

    for block in page.sections:
        _text(c, block)
    c.setLineWidth(0.5)
    for header in page.scale_headers:
        lead = header.size * 1.12 * PT
        c.setFont(FONT_BOLD, header.size)
        for col, lines in zip(header.columns, header.labels, strict=True):
            top = header.y + (header.h - len(lines) * lead) / 2
            for i, line in enumerate(lines):
                baseline = top + i * lead + header.size * 0.8 * PT
                c.drawCentredString(col.cx * mm, _mm_y(baseline), line)
    option_left = page.option_area[0]
    for header in page.scale_headers:
        # Like the row rules, the header rule stays clear of the option columns.
        bottom = header.y + header.h
        c.line(LEFT * mm, _mm_y(bottom), (option_left - 3.0) * mm, _mm_y(bottom))
    for item in page.items:
        c.setFont(FONT_BOLD, item.text.size)
        c.drawString(LEFT * mm, _mm_y(item.text.y + item.text.size * 0.8 * PT), f"{item.number}.")
        _text(c, item.text)
        c.setLineWidth(0.3)
        # Row rules stop before the option columns: nothing but the boxes is printed there,
        # so any ink the reader finds around a box was written by the respondent.
        bottom = item.row.y + item.row.h
        c.line(LEFT * mm, _mm_y(bottom), (option_left - 3.0) * mm, _mm_y(bottom))
        c.setLineWidth(0.85)
        for box in item.boxes:
            c.rect(box.x * mm, _mm_y(box.y + box.h), box.w * mm, box.h * mm, stroke=1, fill=0)

    if page.comment_label is not None:
        _text(c, page.comment_label)
    if page.comment is not None:
        c.setLineWidth(0.6)
        r = page.comment
        c.rect(r.x * mm, _mm_y(r.y + r.h), r.w * mm, r.h * mm, stroke=1, fill=0)
    if page.rules is not None:
        # A pen's line survives any scanner or phone; a light pencil line may not (the
        # reader sends what it cannot tell from paper to a person, but a line the capture
        # erased is lost to both).
        rules = [
            _("Secret ballot — do not write your name or sign."),
            _("Mark with a ballpoint or ink pen, not a pencil."),
        ]
        rules += spec.validity_rules
        _draw_fitted(c, page.rules, " ".join(rules), FONT_ITALIC, 9, max_lines=3, minimum=7)

    c.setFont(FONT, 9)
    c.drawCentredString(
        PAGE_W / 2 * mm,
        _mm_y(PAGE_H - 10.0),
        _("Page %(page)s/%(count)s") % {"page": page.number, "count": layout.page_count},
    )


SHEET_NUMBER_RIGHT = 186.0  # mm: right end of the footer line, clear of the corner marker


def _draw_sheet_number(c: Canvas, serial: str) -> None:
    """Print the copy's sheet number at the foot of the page, right of the page number."""
    c.setFont(FONT_BOLD, 11)
    c.drawRightString(
        SHEET_NUMBER_RIGHT * mm,
        _mm_y(PAGE_H - 10.0),
        _("Sheet no. %(number)s") % {"number": sheet_number(serial)},
    )


def render_ballots_pdf(
    *,
    box: BoxSheetSpec,
    copies: int,
    serial: Callable[[], str] = new_serial,
) -> bytes:
    """Return a PDF with ``copies`` copies of the ballot of every leader of ``box``.

    The copies of one leader come together (each copy's pages in order), so the stack
    of one leader can be handed out as it comes off the printer; every copy gets its
    own random serial in its QR.
    """
    if copies < 1:
        raise ValueError("copies must be at least 1")
    register_fonts()
    layout = build_layout(box.questionnaire)
    fingerprint = layout.fingerprint
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(box.questionnaire.short_title or box.questionnaire.title)
    c.setCreator("phieukin")
    for subject in box.subjects:
        # The page without its QR is drawn once per leader as a PDF form and reused by every
        # copy: printing 300 copies costs little more than printing one.
        forms = []
        for page in layout.pages:
            name = f"s{subject.subject_id}p{page.number}"
            c.beginForm(name)
            _draw_page(c, box, layout, page, subject)
            c.endForm()
            forms.append(name)
        for _copy in range(copies):
            copy_serial = serial()
            for page, form in zip(layout.pages, forms, strict=True):
                sheet = SheetId(
                    round_id=box.round_id,
                    box_id=box.box_id,
                    subject_id=subject.subject_id,
                    questionnaire_code=box.questionnaire.code,
                    questionnaire_version=box.questionnaire.version,
                    page=page.number,
                    page_count=layout.page_count,
                    serial=copy_serial,
                    layout=fingerprint,
                )
                c.doForm(form)
                _draw_qr(c, sheet.payload(), QR_RECT)
                _draw_sheet_number(c, copy_serial)
                c.showPage()
    c.save()
    return buffer.getvalue()


def validity_rules_text(*, blank_invalid: bool, double_mark_unanswered: bool) -> list[str]:
    """Return the round's validity rules as printed sentences."""
    rules = [
        _("Mark exactly one box per item.")
        + " "
        + (
            _("An item with two or more marks counts as unanswered.")
            if double_mark_unanswered
            else _("A ballot with two or more marks on one item is invalid.")
        )
    ]
    if blank_invalid:
        rules.append(_("A ballot with no mark at all is invalid."))
    return rules


def box_sheet_spec(box: BallotBox) -> BoxSheetSpec:
    """Build the printing spec of a ``BallotBox`` model instance."""
    from phieukin.questionnaires.selectors import questionnaire_spec
    from phieukin.rounds.models import DoubleMarkPolicy
    from phieukin.units import lineage  # like the imports above: keeps the module ORM-free

    conference = box.conference
    round_ = conference.round
    unit = conference.unit
    # The ballot is the organiser's document, issued like its reports: by the organising
    # department under its committee when one is recorded ("QUẬN ỦY LONG BIÊN / BAN
    # TUYÊN GIÁO"), else by the committee under the body above it on the conference date.
    body = lineage.issuing_body(
        round_.organiser_unit, conference.held_on or dt.date.today(), by_department=True
    )
    subjects = [
        SubjectSheet(subject_id=s.pk, name=s.name, title=s.title)
        for s in conference.subjects.order_by("order", "pk")
    ]
    return BoxSheetSpec(
        round_id=round_.pk,
        box_id=box.pk,
        round_title=f"{round_.title} — {unit.name}",
        questionnaire=questionnaire_spec(round_.questionnaire),
        subjects=subjects,
        superior=body.superior,
        issuer=body.issuer,
        validity_rules=validity_rules_text(
            blank_invalid=round_.blank_ballot_invalid,
            double_mark_unanswered=round_.double_mark_policy == DoubleMarkPolicy.UNANSWERED,
        ),
    )


def render_box_ballots_pdf(box: BallotBox, *, copies: int) -> bytes:
    """Return the printable ballots of a ``BallotBox``: ``copies`` copies per leader."""
    return render_ballots_pdf(box=box_sheet_spec(box), copies=copies)
