"""Party-document form (Hướng dẫn 36-HD/VPTW) for the PDFs and DOCX files the product makes.

Shared by the counting minutes, the printed ballots and the reports. The fonts are
Liberation Serif (metric-compatible with Times New Roman, SIL OFL, shipped in
``phieukin/core/fonts``), so PDFs embed Vietnamese glyphs with no system package.

Layout values follow HD 36 as written down in ``docs/DOCUMENTS.md``: A4, margins top 20 /
bottom 20 / left 30 / right 15 mm; "ĐẢNG CỘNG SẢN VIỆT NAM" top right, bold 15 pt, with a
rule beneath and the place/date line in italics 14 pt; the issuing body top left (superior
body 14 pt, issuer 14 pt bold, a centred asterisk, the number, and under the number the
secrecy mark "MẬT"); the addressee ("Kính gửi: …") under the title; the body opens with
the plan carried out; signature blocks in bold 14 pt, names bold; page numbers from page 2
centred in the top margin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "PKSerif"
FONT_BOLD = "PKSerif-Bold"
FONT_ITALIC = "PKSerif-Italic"
FONT_BOLD_ITALIC = "PKSerif-BoldItalic"

PAGE_SIZE = A4
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT

PARTY_HEADING = "ĐẢNG CỘNG SẢN VIỆT NAM"

_registered = False


def register_fonts() -> None:
    """Register the Vietnamese-capable serif family with reportlab (idempotent).

    Also switches off ASCII85 for binary streams: without reportlab's C accelerator the
    pure-Python encoder took a third of a report's time, and a binary Flate stream is
    valid in every PDF reader (it only makes the file not 7-bit clean).
    """
    global _registered
    if _registered:
        return
    rl_config.useA85 = 0
    files = {
        FONT: "LiberationSerif-Regular.ttf",
        FONT_BOLD: "LiberationSerif-Bold.ttf",
        FONT_ITALIC: "LiberationSerif-Italic.ttf",
        FONT_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
    }
    for name, filename in files.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )
    _registered = True


def date_line(place: str, day: dt.date) -> str:
    """Return the place-and-date line, e.g. "Long Biên, ngày 05 tháng 02 năm 2026".

    HD 36 writes a leading zero for days below 10 and for months 1 and 2.
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def plan_reference(number: str, day: dt.date | None, issuer: str) -> str:
    """Return "Kế hoạch số 104-KH/QU ngày 11/02/2022 của Ban Thường vụ Quận ủy Long Biên".

    Empty when no plan number is recorded.
    """
    number = number.strip()
    if not number:
        return ""
    text = f"Kế hoạch số {number}"
    if day is not None:
        text += f" ngày {day:%d/%m/%Y}"
    if issuer.strip():
        text += f" của {issuer.strip()}"
    return text


def end_sentence(text: str) -> str:
    """Return *text* ending in exactly one full stop (never "..", never "…." ).

    Text that already ends in a full stop, a question or exclamation mark, an ellipsis
    or a colon is left as it is; trailing spaces and doubled stops are removed.
    """
    text = text.rstrip()
    while text.endswith(".."):
        text = text[:-1]
    if not text or text[-1] in ".!?…:;":
        return text
    return text + "."


@dataclass(frozen=True)
class PartyHeader:
    """The heading block of a Party document."""

    superior: str  # e.g. "ĐẢNG BỘ QUẬN LONG BIÊN"
    issuer: str  # e.g. "QUẬN ỦY LONG BIÊN" or "BAN TUYÊN GIÁO"
    number: str  # e.g. "Số 104-BC/QU"; "Số     -BB/BTGQU" leaves the number to fill in
    place: str
    day: dt.date
    secrecy: str = ""  # e.g. "MẬT": printed under the number and symbol (HD 36)


@dataclass(frozen=True)
class IssuingBody:
    """Who issues a document, following the organiser's level (HD 36, "tên cơ quan").

    ``superior`` is the directly superior body (empty for a top-level committee, whose
    documents carry only its own name), ``issuer`` the issuing body, ``place`` the
    place name of the date line and ``symbol`` the issuer's part of the number
    ("ĐU", "QU", "TU", "BTGDVTU").
    """

    superior: str
    issuer: str
    place: str
    symbol: str
    by_department: bool = False


# Issuer suffix of a committee by its level when the unit records none.
DEFAULT_SYMBOLS = {"province": "TU", "district": "QU", "ward": "ĐU", "commune": "ĐU"}


def department_symbol(department: str) -> str:
    """Return a department's abbreviation: "Ban Tuyên giáo và Dân vận" → "BTGDV".

    The first letter of each syllable, "và" left out ("Ban Tổ chức" → "BTC").
    """
    letters = [word[0] for word in department.split() if word.lower() != "và"]
    return "".join(letters).upper()


def department_name(department: str, committee: str) -> str:
    """Return a department's own name, without its committee's: "Ban Tuyên giáo".

    Units record a department as "Ban Tuyên giáo Quận ủy Long Biên"; under HD 36 the
    committee is the upper line of the heading, so the lower line is the department
    alone.
    """
    department = " ".join(department.split())
    committee = " ".join(committee.split())
    if committee and department.lower().endswith(" " + committee.lower()):
        return department[: -len(committee) - 1].strip()
    return department


def issuing_body(
    *,
    level: str,
    place: str,
    committee: str,
    department: str = "",
    parent_organisation: str = "",
    symbol: str = "",
    by_department: bool | None = None,
) -> IssuingBody:
    """Return the issuing body of a document of a committee at *level*.

    A committee that organises through a department issues as that department under the
    committee: "THÀNH ỦY HÀ NỘI / BAN TUYÊN GIÁO VÀ DÂN VẬN" (…/BTGDVTU), "QUẬN ỦY LONG
    BIÊN / BAN TUYÊN GIÁO" (…/BTGQU). *by_department* chooses: ``None`` (the default)
    means only at province level, ``True`` whenever a department is recorded, ``False``
    never. Otherwise the committee issues under the Party organisation directly above it
    on the document's date: "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI / ĐẢNG ỦY PHƯỜNG BỒ ĐỀ" (since
    01/07/2025), "ĐẢNG BỘ QUẬN LONG BIÊN / ĐẢNG ỦY PHƯỜNG BỒ ĐỀ" (before).
    """
    use_department = level == "province" if by_department is None else by_department
    own = symbol or DEFAULT_SYMBOLS.get(level, "ĐU")
    if use_department and department:
        name = department_name(department, committee)
        return IssuingBody(
            superior=committee.upper(),
            issuer=name.upper(),
            place=place,
            symbol=department_symbol(name) + own,
            by_department=True,
        )
    return IssuingBody(
        superior=parent_organisation.upper(),
        issuer=committee.upper(),
        place=place,
        symbol=own,
    )


@dataclass(frozen=True)
class SignatureBlock:
    """The signature block (right) and the distribution list (left)."""

    authority: str  # e.g. "T/M BAN THƯỜNG VỤ"; empty when the holder signs in their own title
    position: str  # e.g. "PHÓ BÍ THƯ THƯỜNG TRỰC"
    name: str = ""
    recipients: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Signatory:
    """One signature of a document several people sign (the counting minutes)."""

    title: str  # e.g. "TỔ TRƯỞNG TỔ KIỂM PHIẾU", "THÀNH VIÊN"
    name: str  # full name, printed bold under the space for the signature


def styles() -> dict[str, ParagraphStyle]:
    """Return the paragraph styles of a Party document (body 14 pt, justified)."""
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=14, leading=18)
    return {
        "body": ParagraphStyle(
            "pk-body", parent=base, alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=6
        ),
        "plain": ParagraphStyle("pk-plain", parent=base, alignment=TA_LEFT),
        "small": ParagraphStyle("pk-small", parent=base, fontSize=11, leading=13),
        "cell": ParagraphStyle("pk-cell", parent=base, fontSize=10.5, leading=12.5),
        "cell_center": ParagraphStyle(
            "pk-cell-c", parent=base, fontSize=10.5, leading=12.5, alignment=TA_CENTER
        ),
        "heading_left": ParagraphStyle(
            "pk-hl", parent=base, alignment=TA_CENTER, fontSize=14, leading=17
        ),
        "heading_left_bold": ParagraphStyle(
            "pk-hlb", parent=base, fontName=FONT_BOLD, alignment=TA_CENTER, fontSize=14, leading=17
        ),
        "party": ParagraphStyle(
            "pk-party",
            parent=base,
            fontName=FONT_BOLD,
            alignment=TA_CENTER,
            fontSize=15,
            leading=18,
        ),
        "date": ParagraphStyle(
            "pk-date",
            parent=base,
            fontName=FONT_ITALIC,
            alignment=TA_CENTER,
            fontSize=14,
            leading=17,
        ),
        "doctype": ParagraphStyle(
            "pk-doctype",
            parent=base,
            fontName=FONT_BOLD,
            alignment=TA_CENTER,
            fontSize=16,
            leading=20,
        ),
        "summary": ParagraphStyle(
            "pk-summary",
            parent=base,
            fontName=FONT_BOLD,
            alignment=TA_CENTER,
            fontSize=14,
            leading=17,
        ),
        "section": ParagraphStyle(
            "pk-section", parent=base, fontName=FONT_BOLD, spaceBefore=6, spaceAfter=4
        ),
        "sign": ParagraphStyle(
            "pk-sign", parent=base, fontName=FONT_BOLD, alignment=TA_CENTER, fontSize=14, leading=17
        ),
        "recipients_title": ParagraphStyle(
            "pk-rt", parent=base, fontName=FONT_BOLD_ITALIC, fontSize=12, leading=14
        ),
        "recipients": ParagraphStyle("pk-r", parent=base, fontSize=11, leading=13),
        "secrecy": ParagraphStyle(
            "pk-secrecy",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=13,
            leading=16,
            alignment=TA_CENTER,
        ),
        "addressee": ParagraphStyle(
            "pk-addressee", parent=base, alignment=TA_CENTER, spaceBefore=4, spaceAfter=8
        ),
        "signatory": ParagraphStyle(
            "pk-signatory",
            parent=base,
            fontName=FONT_BOLD,
            alignment=TA_CENTER,
            fontSize=13,
            leading=16,
        ),
    }


def escape(text: str) -> str:
    """Escape text for a reportlab Paragraph."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def header_flowables(header: PartyHeader) -> list[Flowable]:
    """Return the two-column heading of HD 36 as flowables."""
    st = styles()
    left = [
        Paragraph(escape(header.superior.upper()), st["heading_left"]),
        Paragraph(escape(header.issuer.upper()), st["heading_left_bold"]),
        Paragraph("*", st["heading_left"]),
        Paragraph(escape(header.number), st["heading_left"]),
    ]
    if header.secrecy:
        # HD 36 places the secrecy mark under the number and symbol, not above the block.
        left.append(Spacer(1, 2 * mm))
        left.append(Paragraph(escape(header.secrecy), st["secrecy"]))
    right = [
        Paragraph(PARTY_HEADING, st["party"]),
        HRFlowable(width="78%", thickness=0.8, color=colors.black, spaceBefore=1, spaceAfter=6),
        Paragraph(escape(date_line(header.place, header.day)), st["date"]),
    ]
    table = Table([[left, right]], colWidths=[CONTENT_WIDTH * 0.45, CONTENT_WIDTH * 0.55])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table, Spacer(1, 8 * mm)]


def title_flowables(doctype: str, summary: str = "") -> list[Flowable]:
    """Return the document type (e.g. "BÁO CÁO") and its summary line."""
    st = styles()
    flowables: list[Flowable] = [Paragraph(escape(doctype.upper()), st["doctype"])]
    if summary:
        flowables.append(Paragraph(escape(summary), st["summary"]))
    flowables += [
        HRFlowable(width="20%", thickness=0.8, color=colors.black, spaceBefore=7, spaceAfter=8)
    ]
    return flowables


def signature_flowables(block: SignatureBlock) -> list[Flowable]:
    """Return "Nơi nhận" on the left and the signature block on the right."""
    st = styles()
    left: list[Flowable] = []
    if block.recipients:
        left.append(Paragraph("<u>Nơi nhận:</u>", st["recipients_title"]))
        left += [Paragraph(escape(f"- {r}"), st["recipients"]) for r in block.recipients]
    right: list[Flowable] = [
        Paragraph(escape(line.upper()), st["sign"])
        for line in (block.authority, block.position)
        if line
    ]
    right += [Spacer(1, 24 * mm), Paragraph(escape(block.name), st["sign"])]
    table = Table([[left, right]], colWidths=[CONTENT_WIDTH * 0.5, CONTENT_WIDTH * 0.5])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [Spacer(1, 6 * mm), table]


def addressee_flowables(addressee: str) -> list[Flowable]:
    """Return the "Kính gửi: …" line under the title (empty when there is none)."""
    if not addressee:
        return []
    return [Paragraph(escape(f"Kính gửi: {addressee}"), styles()["addressee"])]


def signatories_flowables(signatories: list[Signatory], columns: int = 2) -> list[Flowable]:
    """Return one signature block per signatory, *columns* a row, kept together.

    Each block: the title in bold capitals (13 pt), room for the signature, the full
    name in bold (13 pt; HD 36 allows 13–14 pt).
    """
    st = styles()
    if not signatories:
        return []

    def block(s: Signatory) -> list[Flowable]:
        return [
            Paragraph(escape(s.title.upper()), st["signatory"]),
            Spacer(1, 20 * mm),
            Paragraph(escape(s.name), st["signatory"]),
        ]

    width = CONTENT_WIDTH / columns
    rows: list[list[Any]] = []
    for start in range(0, len(signatories), columns):
        row: list[Any] = [block(s) for s in signatories[start : start + columns]]
        row += [""] * (columns - len(row))
        rows.append(row)
    table = Table(rows, colWidths=[width] * columns)
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)])
    )
    return [table]


def _page_number(canvas: Canvas, doc: Any) -> None:
    """Draw the page number centred in the top margin, from page 2 on."""
    page = canvas.getPageNumber()
    if page >= 2:
        canvas.saveState()
        canvas.setFont(FONT, 12)
        canvas.drawCentredString(PAGE_SIZE[0] / 2, PAGE_SIZE[1] - 12 * mm, str(page))
        canvas.restoreState()


def build_pdf(
    buffer: Any, flowables: list[Flowable], *, title: str, author: str = "phieukin"
) -> None:
    """Lay *flowables* out on A4 with the HD 36 margins and page numbers into *buffer*."""
    register_fonts()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        title=title,
        author=author,
    )
    doc.build(flowables, onFirstPage=_page_number, onLaterPages=_page_number)


def docx_document(header: PartyHeader) -> Any:
    """Return a python-docx Document with HD 36 page set-up, Times New Roman and the heading."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")

    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Mm(75), Mm(90)

    def line(
        cell: Any,
        text: str,
        *,
        size: int,
        bold: bool = False,
        italic: bool = False,
        first: bool = False,
        underline: bool = False,
    ) -> None:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        run.italic = italic
        run.underline = underline

    line(left, header.superior.upper(), size=14, first=True)
    line(left, header.issuer.upper(), size=14, bold=True)
    line(left, "*", size=14)
    line(left, header.number, size=14)
    if header.secrecy:
        # Under the number and symbol (HD 36), never above the heading block.
        line(left, header.secrecy, size=13, bold=True)
    line(right, PARTY_HEADING, size=15, bold=True, first=True, underline=True)
    line(right, "", size=6)
    line(right, date_line(header.place, header.day), size=14, italic=True)
    return document


def docx_title(document: Any, doctype: str, summary: str = "") -> None:
    """Add the document type and summary, centred and bold."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(12)
    run = paragraph.add_run(doctype.upper())
    run.bold = True
    run.font.size = Pt(16)
    if summary:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(summary)
        run.bold = True
        run.font.size = Pt(14)
    paragraph = document.add_paragraph("-----")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def docx_paragraph(document: Any, text: str) -> Any:
    """Add a body paragraph: justified, first-line indent 1 cm, 6 pt after."""
    paragraph = document.add_paragraph(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1)
    paragraph.paragraph_format.space_after = Pt(6)
    return paragraph


def docx_signature(document: Any, block: SignatureBlock) -> None:
    """Add "Nơi nhận" (left) and the signature block (right)."""
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    first = left.paragraphs[0]
    if block.recipients:
        run = first.add_run("Nơi nhận:")
        run.bold = True
        run.italic = True
        run.underline = True
        run.font.size = Pt(12)
        for recipient in block.recipients:
            r = left.add_paragraph().add_run(f"- {recipient}")
            r.font.size = Pt(11)
    lines = [t.upper() for t in (block.authority, block.position) if t]
    lines += ["", "", "", block.name]
    for index, text in enumerate(lines):
        paragraph = right.paragraphs[0] if index == 0 else right.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = Pt(14)


def docx_addressee(document: Any, addressee: str) -> None:
    """Add the "Kính gửi: …" line under the title (nothing when there is none)."""
    if not addressee:
        return
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(f"Kính gửi: {addressee}")
    run.font.size = Pt(14)


def docx_keep_with_next(paragraph: Any) -> Any:
    """Keep *paragraph* on the same page as the next one (Word's "keep with next")."""
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def docx_signatories(document: Any, signatories: list[Signatory], columns: int = 2) -> None:
    """Add one signature block per signatory: title bold 13 pt, room, full name bold 13 pt."""
    if not signatories:
        return
    rows = (len(signatories) + columns - 1) // columns
    table = document.add_table(rows=rows, cols=columns)
    for index, signatory in enumerate(signatories):
        cell = table.rows[index // columns].cells[index % columns]
        lines = [signatory.title.upper(), "", "", "", signatory.name]
        for number, text in enumerate(lines):
            paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.keep_with_next = number < len(lines) - 1
            run = paragraph.add_run(text)
            run.bold = True
            run.font.size = Pt(13)
