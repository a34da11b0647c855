"""Documents of the ballot box: code slips, the zero report, the counting minutes (PDF, DOCX).

Code slips carry no number and no order: the slips of a box are printed from the plain
codes in a random order, each with a QR code of the voting URL, the typed code, the
round's anonymity rules and cut lines. The minutes follow the Party-document form of
:mod:`phieukin.core.documents` (HD 36) and carry the seal's digest and a signature line
for every member of the counting committee.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from phieukin.accounts.models import Membership, Role
from phieukin.audit.models import AuditEvent
from phieukin.ballots import codes as codes_mod
from phieukin.ballots.models import Seal
from phieukin.core import documents as doc
from phieukin.core import publicurl
from phieukin.rounds.models import BallotBox, Round, Subject

SLIP_COLUMNS = 2
SLIP_ROWS = 5
PAGE_W, PAGE_H = doc.PAGE_SIZE
SLIP_MARGIN = 10 * mm


def voting_url(box: BallotBox, code: str) -> str:
    """Return the URL printed in a slip's QR code.

    The code travels in the fragment (after ``#``), which browsers never send: no proxy,
    server log or Referer header ever sees it. The voting page's script moves it into the
    form and posts it; without JavaScript the respondent types the code printed beside
    the QR.
    """
    base = str(settings.PHIEUKIN_PUBLIC_URL).rstrip("/")
    return f"{base}/v/{box.pk}/#{code.replace('-', '')}"


def rules_line(rnd: Round) -> str:
    """Return the round's anonymity rules as printed on slips and shown to respondents."""
    return (
        f"Phiếu kín: không lưu mã, thời gian hay thứ tự gửi phiếu. Kết quả chỉ hiển thị khi có "
        f"ít nhất {rnd.k_threshold} phiếu; ý kiến khi có ít nhất {rnd.k_comments} phiếu."
    )


def _draw_qr(c: Canvas, payload: str, x: float, y: float, size: float) -> None:
    qr = segno.make(payload, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    modules = len(matrix)
    cell = size / modules
    path = c.beginPath()
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                path.rect(x + col_index * cell, y + size - (row_index + 1) * cell, cell, cell)
    c.drawPath(path, stroke=0, fill=1)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if stringWidth(trial, font, size) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def code_slips_pdf(box: BallotBox, codes: Sequence[str]) -> bytes:
    """Return an A4 PDF of code slips (10 a page, cut lines), in a random order."""
    doc.register_fonts()
    shuffled = list(codes)
    random.SystemRandom().shuffle(shuffled)
    rnd = box.conference.round
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=doc.PAGE_SIZE)
    c.setTitle(f"Mã phiếu — {box.conference.unit.name}")
    slip_w = (PAGE_W - 2 * SLIP_MARGIN) / SLIP_COLUMNS
    slip_h = (PAGE_H - 2 * SLIP_MARGIN) / SLIP_ROWS
    per_page = SLIP_COLUMNS * SLIP_ROWS
    rules = rules_line(rnd)
    for index, code in enumerate(shuffled):
        slot = index % per_page
        if slot == 0 and index:
            c.showPage()
        if slot == 0:
            _cut_lines(c, slip_w, slip_h)
            _local_address_warning(c)
        col, row = slot % SLIP_COLUMNS, slot // SLIP_COLUMNS
        x0 = SLIP_MARGIN + col * slip_w
        y0 = PAGE_H - SLIP_MARGIN - (row + 1) * slip_h
        qr_size = slip_h - 12 * mm
        _draw_qr(c, voting_url(box, code), x0 + 4 * mm, y0 + 6 * mm, qr_size)
        tx = x0 + qr_size + 8 * mm
        text_w = slip_w - qr_size - 12 * mm
        c.setFont(doc.FONT_BOLD, 9)
        c.drawString(tx, y0 + slip_h - 9 * mm, f"{rnd.title} — {box.conference.unit.name}")
        c.setFont(doc.FONT, 8)
        c.drawString(tx, y0 + slip_h - 14 * mm, "Mã phiếu (dùng một lần):")
        c.setFont("Courier-Bold", 13)
        c.drawString(tx, y0 + slip_h - 21 * mm, codes_mod.display(code.replace("-", "")))
        c.setFont(doc.FONT, 6.5)
        y = y0 + slip_h - 27 * mm
        for line in _wrap(
            f"Quét mã QR hoặc vào {settings.PHIEUKIN_PUBLIC_URL}/v/{box.pk}/. {rules}",
            doc.FONT,
            6.5,
            text_w,
        ):
            c.drawString(tx, y, line)
            y -= 8
    if not shuffled:
        _cut_lines(c, slip_w, slip_h)
        _local_address_warning(c)
    c.save()
    return buffer.getvalue()


def _local_address_warning(c: Canvas) -> None:
    """Print, above the slips, that their address works only on the server (if so)."""
    if not publicurl.is_local():
        return
    c.saveState()
    c.setFillColorRGB(0.75, 0, 0)
    c.setFont(doc.FONT_BOLD, 8)
    c.drawString(
        SLIP_MARGIN,
        PAGE_H - 6 * mm,
        f"CHÚ Ý: địa chỉ in trên phiếu ({publicurl.public_url()}) chỉ mở được trên máy chủ; "
        "điện thoại sẽ không vào được. Đặt địa chỉ công khai (PHIEUKIN_PUBLIC_URL) rồi in lại.",
    )
    c.restoreState()


def _cut_lines(c: Canvas, slip_w: float, slip_h: float) -> None:
    c.saveState()
    c.setDash(3, 3)
    c.setLineWidth(0.4)
    for col in range(SLIP_COLUMNS + 1):
        x = SLIP_MARGIN + col * slip_w
        c.line(x, SLIP_MARGIN, x, PAGE_H - SLIP_MARGIN)
    for row in range(SLIP_ROWS + 1):
        y = SLIP_MARGIN + row * slip_h
        c.line(SLIP_MARGIN, y, PAGE_W - SLIP_MARGIN, y)
    c.restoreState()


COMMITTEE_ISSUER = "TỔ KIỂM PHIẾU"
MINUTES_NUMBER = "Số" + "\u00a0" * 6 + "-BB/TKP"  # the office fills in the number


def _header(box: BallotBox, number: str, day: Any) -> doc.PartyHeader:
    """Return the heading of the committee's minutes (HD 36: superior body, then issuer).

    The counting committee issues its minutes under the Party committee of the ward
    whose conference it counts: "ĐẢNG ỦY PHƯỜNG BỒ ĐỀ / TỔ KIỂM PHIẾU".
    """
    ward = box.conference.unit
    committee = ward.party_committee or f"Đảng ủy {ward.full_name or ward.name}"
    return doc.PartyHeader(
        superior=committee,
        issuer=COMMITTEE_ISSUER,
        number=number,
        place=ward.name,
        day=day,
    )


def _table(rows: list[tuple[str, str]]) -> Table:
    st = doc.styles()
    data = [
        [Paragraph(doc.escape(label), st["cell"]), Paragraph(doc.escape(value), st["cell_center"])]
        for label, value in rows
    ]
    table = Table(data, colWidths=[doc.CONTENT_WIDTH * 0.72, doc.CONTENT_WIDTH * 0.28])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def committee_members(box: BallotBox) -> list[str]:
    """Return the full names of the counting committee present, the head first.

    As recorded on the conference; when nothing was recorded, the full names of the
    ward's counter accounts (never an account name: an account without a full name
    leaves a line to write on).
    """
    recorded = [str(n) for n in (box.conference.committee or []) if str(n).strip()]
    if recorded:
        return recorded
    members = Membership.objects.filter(role=Role.COUNTER, unit=box.conference.unit).select_related(
        "user"
    )
    names = sorted((m.user.full_name or m.user.get_full_name() or "").strip() for m in members)
    return [n for n in names if n]


def signatories(names: list[str]) -> list[doc.Signatory]:
    """Return one signature block per member: the head first, then the members.

    At least three blocks (a counting committee has three members or more); a missing
    name leaves a dotted line to write on.
    """
    names = list(names)
    while len(names) < 3:
        names.append("." * 36)
    return [
        doc.Signatory(title="TỔ TRƯỞNG TỔ KIỂM PHIẾU" if index == 0 else "THÀNH VIÊN", name=name)
        for index, name in enumerate(names)
    ]


def _signature_section(box: BallotBox, closing: str) -> list[Flowable]:
    """Return the closing sentence kept on one page with every signature block."""
    return _closing_with_signatures(closing, signatories(committee_members(box)))


def _closing_with_signatures(closing: str, signed: list[doc.Signatory]) -> list[Flowable]:
    st = doc.styles()
    return [
        KeepTogether(
            [
                Paragraph(doc.escape(closing), st["body"]),
                Spacer(1, 2 * mm),
                *doc.signatories_flowables(signed),
            ]
        )
    ]


def _section(text: str) -> Paragraph:
    style = doc.styles()["section"]
    style.keepWithNext = True  # a heading never ends a page
    return Paragraph(doc.escape(text), style)


def _conference_lines(box: BallotBox) -> list[str]:
    """Return the chair, secretary and committee sentences of the minutes."""
    conference = box.conference
    lines = []
    lines.append(
        f"Chủ trì hội nghị: đồng chí {conference.chair}."
        if conference.chair
        else "Chủ trì hội nghị: đồng chí " + "." * 40
    )
    lines.append(
        f"Thư ký hội nghị: đồng chí {conference.secretary}."
        if conference.secretary
        else "Thư ký hội nghị: đồng chí " + "." * 40
    )
    members = committee_members(box)
    if members:
        rest = members[1:]
        text = f"Tổ kiểm phiếu có mặt {len(members)} đồng chí: đồng chí {members[0]}, Tổ trưởng"
        if rest:
            text += "; các đồng chí " + ", ".join(rest) + ", thành viên"
        lines.append(text + ".")
    else:
        lines.append("Tổ kiểm phiếu có mặt: " + "." * 60)
    return lines


def _in_sentence(name: str) -> str:
    """Return a unit's name as written inside a sentence: "phường Bồ Đề", not "Phường"."""
    for kind in ("Phường ", "Xã ", "Quận ", "Thị trấn "):
        if name.startswith(kind):
            return kind.lower() + name[len(kind) :]
    return name


@dataclass(frozen=True)
class MinutesBlock:
    """One block of the minutes' body, rendered alike in the PDF and the DOCX.

    ``kind`` is ``text`` (a body paragraph), ``section`` (a numbered heading kept with
    what follows), ``note`` (smaller text), ``table`` (label/value rows), ``digest`` (the
    seal's digest in a fixed-width face) or ``address`` (the bulletin sentence and its
    address, kept on one page).
    """

    kind: str
    text: str = ""
    rows: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Minutes:
    """The content of the counting minutes, from which both files are made."""

    header: doc.PartyHeader
    summary: str
    blocks: tuple[MinutesBlock, ...]
    closing: str
    signatories: tuple[doc.Signatory, ...]
    filename: str
    title: str


def _para(body: str) -> MinutesBlock:
    """Return a body paragraph of the minutes."""
    return MinutesBlock("text", body)


def _heading(heading: str) -> MinutesBlock:
    """Return a numbered heading of the minutes."""
    return MinutesBlock("section", heading)


def _note(body: str) -> MinutesBlock:
    """Return a paragraph of the minutes in smaller type."""
    return MinutesBlock("note", body)


def _scan_check_blocks(counts: dict[str, Any], *, number: int) -> list[MinutesBlock]:
    """Return the section on how the scan reader was checked against the paper.

    Only for a box with scanned sheets whose seal recorded the checks (a seal made before
    seals recorded them has no such section); the figures come from the seal's counts
    (counts only, never which sheet, item or option).
    """
    if not counts.get("ballots_scanned") or "scan_checks" not in counts:
        return []
    figures = counts.get("scan_checks") or {}

    def figure(name: str) -> str:
        return str(int(figures.get(name, 0)))

    blocks = [
        _heading(f"{number}. Kiểm tra máy đọc phiếu quét (tính theo tờ phiếu)"),
        MinutesBlock(
            "table",
            rows=(
                (
                    "Số tờ phiếu máy đọc không có nghi vấn, chọn ngẫu nhiên và nhập lại theo "
                    "phiếu giấy",
                    figure("spot_copies"),
                ),
                ("Số câu đã đối chiếu trên các tờ phiếu đó", figure("spot_items")),
                ("Số câu phiếu giấy khác kết quả máy đọc", figure("spot_differences")),
                ("Số tờ phiếu có câu khác kết quả máy đọc", figure("spot_copies_differing")),
                (
                    "Trên các tờ phiếu phải xem lại: số câu máy đọc không có nghi vấn được "
                    "người xem lại xác nhận",
                    figure("reviewed_items"),
                ),
                ("Trong đó số câu người xem lại đã sửa", figure("corrected")),
            ),
        ),
    ]
    if not figures.get("spot_copies"):
        blocks.append(
            _note("Không có tờ phiếu quét nào được chọn ngẫu nhiên để đối chiếu với phiếu giấy.")
        )
    elif figures.get("spot_differences"):
        blocks.append(
            _note(
                "Trên tờ phiếu máy đọc không có nghi vấn vẫn có câu phiếu giấy khác kết quả máy "
                "đọc: các tờ phiếu quét khác của hòm phiếu cũng có thể bị đọc sai."
            )
        )
    blocks.append(
        _note(
            "Các số liệu trên chỉ là số đếm; không ghi tờ phiếu, câu hay phương án nào khác "
            "với máy đọc."
        )
    )
    return blocks


def minutes_content(seal: Seal) -> Minutes:
    """Return the counting minutes (biên bản kiểm phiếu) of a sealed box as content.

    Conference details (venue, time, chair, secretary, committee present) come from the
    conference; one signature block per committee member with the full name under its
    title; people and sheets are named as such; the reconciliation is in people.
    """
    box = seal.box
    conference = box.conference
    rnd = conference.round
    counts = seal.counts
    sealed = timezone.localtime(seal.sealed_at)
    day = sealed.date()
    held = conference.held_on or day
    subjects = {str(s.pk): s for s in Subject.objects.filter(conference=conference)}
    leaders = len(counts.get("per_subject", {})) or len(subjects)
    participation = (
        f"{100 * counts['present'] / counts['invited']:.1f}%".replace(".", ",")
        if counts.get("invited")
        else "—"
    )
    voters = int(counts["codes_used"]) + int(counts["paper_returned"] or 0)
    ward_name = conference.unit.full_name or conference.unit.name
    venue = conference.place or ward_name
    when = (
        f"Hồi {conference.starts_at:%H} giờ {conference.starts_at:%M} phút, ngày {held:%d/%m/%Y}"
        if conference.starts_at
        else f"Ngày {held:%d/%m/%Y}"
    )
    checks = _scan_check_blocks(counts, number=3)
    plan = rnd.plan_reference
    opening = f"Thực hiện {plan}, {when[0].lower()}{when[1:]}" if plan else when
    blocks = [
        _para(
            f"{opening}, tại {venue}, {_in_sentence(ward_name)} tổ chức hội nghị lấy ý "
            f"kiến góp ý bằng phiếu kín đối với người đứng đầu ({rnd.title})."
        ),
        *[_para(line) for line in _conference_lines(box)],
        _para(
            f"Hồi {sealed:%H} giờ {sealed:%M} phút, ngày {day:%d/%m/%Y}, Tổ kiểm phiếu đã "
            "kiểm phiếu và niêm phong hòm phiếu. Kết quả như sau:"
        ),
        _heading("1. Số người (tính theo người)"),
        MinutesBlock(
            "table",
            rows=(
                ("Số người được triệu tập", str(counts["invited"])),
                ("Số người có mặt", str(counts["present"])),
                ("Tỷ lệ có mặt", participation),
                (
                    "Số người nhận mã phiếu (mã phát ra, mỗi người một mã)",
                    str(counts["codes_issued"]),
                ),
                ("Số người đã góp ý bằng mã (mã đã dùng)", str(counts["codes_used"])),
                ("Số mã chưa dùng", str(counts["codes_unused"])),
                ("Số mã đã hủy", str(counts["codes_voided"])),
                ("Số người nhận phiếu giấy", str(counts["paper_issued"] or 0)),
                ("Số người nộp phiếu giấy", str(counts["paper_returned"] or 0)),
                ("Tổng số người đã góp ý (mã đã dùng cộng phiếu giấy thu về)", str(voters)),
            ),
        ),
        _heading("2. Số phiếu (tính theo tờ phiếu)"),
        _note(
            f"Mỗi người góp ý cho {leaders} đồng chí nên điền {leaders} phiếu, mỗi đồng chí "
            "một phiếu; vì vậy số phiếu bằng số người đã góp ý nhân với số đồng chí được "
            "góp ý, không phải bỏ phiếu hai lần."
            if leaders > 1
            else "Mỗi người góp ý điền một phiếu."
        ),
        MinutesBlock(
            "table",
            rows=(
                ("Tổng số phiếu", str(counts["ballots_total"])),
                ("Phiếu hợp lệ", str(counts["ballots_valid"])),
                ("Phiếu không hợp lệ", str(counts["ballots_invalid"])),
                ("Phiếu trực tuyến", str(counts["ballots_online"])),
                ("Phiếu giấy nhập tay", str(counts["ballots_typed"])),
                ("Phiếu giấy quét", str(counts["ballots_scanned"])),
                *(
                    (
                        f"Phiếu về đồng chí {subjects[k].name if k in subjects else k}"
                        + (f" — {subjects[k].title}" if k in subjects else ""),
                        str(v),
                    )
                    for k, v in counts["per_subject"].items()
                ),
            ),
        ),
        *checks,
        _heading(f"{3 + bool(checks)}. Đối chiếu số liệu (tính theo người)"),
        _para(
            "Số người có mặt bằng số mã đã dùng cộng số phiếu giấy thu về; số mã phát ra "
            "bằng số mã đã dùng, chưa dùng và đã hủy: "
            + (
                "CHƯA KHỚP — Tổ kiểm phiếu đã xem xét và xác nhận niêm phong."
                if seal.reconciliation_acknowledged
                else "khớp."
            )
        ),
        _heading(f"{4 + bool(checks)}. Mã kiểm tra niêm phong (SHA-256)"),
        MinutesBlock("digest", seal.digest),
        MinutesBlock(
            "address",
            "Mã kiểm tra bao trùm mọi phiếu trong hòm (không kèm thứ tự), các biên "
            "nhận và số liệu trên; bất kỳ thay đổi nào sau khi niêm phong đều bị "
            "phát hiện khi kiểm tra lại. Bảng công bố công khai tại địa chỉ:\n"
            f"{settings.PHIEUKIN_PUBLIC_URL}/bulletin/{box.pk}/",
        ),
    ]
    return Minutes(
        header=_header(box, MINUTES_NUMBER, day),
        summary=f"Kiểm phiếu lấy ý kiến góp ý đối với người đứng đầu — {rnd.title}, {ward_name}",
        blocks=tuple(blocks),
        closing=(
            "Biên bản lập xong cùng ngày, đã đọc lại cho các thành viên Tổ kiểm phiếu cùng "
            "nghe và nhất trí ký tên."
        ),
        signatories=tuple(signatories(committee_members(box))),
        filename=f"bien-ban-kiem-phieu-hom-{box.pk}",
        title=f"Biên bản kiểm phiếu — {conference.unit.name}",
    )


def counting_minutes_pdf(seal: Seal) -> bytes:
    """Return the counting minutes of a sealed box as a PDF (HD 36 form)."""
    minutes = minutes_content(seal)
    st = doc.styles()
    flow: list[Flowable] = [
        *doc.header_flowables(minutes.header),
        *doc.title_flowables("Biên bản", minutes.summary),
    ]
    for block in minutes.blocks:
        if block.kind == "section":
            flow.append(_section(block.text))
        elif block.kind == "table":
            flow.append(_table(list(block.rows)))
        elif block.kind == "note":
            flow.append(Paragraph(doc.escape(block.text), st["small"]))
        elif block.kind == "digest":
            digest = f'<font face="Courier" size="9">{block.text}</font>'
            flow.append(Paragraph(digest, st["plain"]))
        elif block.kind == "address":
            flow.append(
                KeepTogether(
                    [Paragraph(doc.escape(line), st["small"]) for line in block.text.split("\n")]
                )
            )
        else:
            flow.append(Paragraph(doc.escape(block.text), st["body"]))
    flow += [
        Spacer(1, 4 * mm),
        *_closing_with_signatures(minutes.closing, list(minutes.signatories)),
    ]
    buffer = io.BytesIO()
    doc.build_pdf(buffer, flow, title=minutes.title)
    return buffer.getvalue()


def counting_minutes_docx(seal: Seal) -> bytes:
    """Return the counting minutes of a sealed box as an editable DOCX, same content as the PDF.

    Times New Roman, the HD 36 heading, the same paragraphs, tables and one signature
    block per committee member (bold 13 pt, full names).
    """
    minutes = minutes_content(seal)
    document = doc.docx_document(minutes.header)
    doc.docx_title(document, "Biên bản", minutes.summary)
    for block in minutes.blocks:
        if block.kind == "section":
            paragraph = doc.docx_keep_with_next(document.add_paragraph())
            paragraph.add_run(block.text).bold = True
        elif block.kind == "table":
            table = document.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, value in block.rows:
                left, right = table.add_row().cells
                left.text, right.text = label, value
                right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind == "note":
            doc.docx_paragraph(document, block.text).runs[0].font.size = Pt(12)
        elif block.kind == "digest":
            run = document.add_paragraph().add_run(block.text)
            run.font.name = "Courier New"
            run.font.size = Pt(9)
        elif block.kind == "address":
            lines = block.text.split("\n")
            for number, line in enumerate(lines):
                paragraph = doc.docx_paragraph(document, line)
                paragraph.runs[0].font.size = Pt(12)
                if number < len(lines) - 1:
                    doc.docx_keep_with_next(paragraph)
        else:
            doc.docx_paragraph(document, block.text)
    doc.docx_keep_with_next(doc.docx_paragraph(document, minutes.closing))
    doc.docx_signatories(document, list(minutes.signatories))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zero_report_pdf(box: BallotBox) -> bytes:
    """Return the opening record of a box: it was opened empty, with its zero counts."""
    event = (
        AuditEvent.objects.filter(action="box.open", object_id=str(box.pk))
        .order_by("-created_at")
        .first()
    )
    if event is None:
        raise ValueError("box was never opened")
    counts = event.data.get("counts", {})
    st = doc.styles()
    opened = timezone.localtime(event.created_at)
    ward_name = box.conference.unit.full_name or box.conference.unit.name
    flow: list[Flowable] = [
        *doc.header_flowables(_header(box, MINUTES_NUMBER, opened.date())),
        *doc.title_flowables("Biên bản", f"Mở hòm phiếu — {box.conference.round.title}"),
        Paragraph(
            doc.escape(
                f"Hồi {opened:%H} giờ {opened:%M} phút, ngày {opened:%d/%m/%Y}, hòm phiếu của "
                f"hội nghị lấy ý kiến tại {ward_name} "
                f"được mở trước hội nghị. Hòm phiếu trống; số liệu lúc mở hòm như sau:"
            ),
            st["body"],
        ),
        _table(
            [
                ("Số phiếu trong hòm", str(counts.get("ballots_total", 0))),
                ("Số biên nhận", str(counts.get("receipts", 0))),
                ("Số mã đã dùng", str(counts.get("codes_used", 0))),
                ("Số mã phiếu đã tạo", str(counts.get("codes_issued", 0))),
            ]
        ),
        Paragraph(doc.escape(rules_line(box.conference.round)), st["body"]),
        *_signature_section(
            box, "Biên bản lập xong cùng ngày; các thành viên Tổ kiểm phiếu cùng ký tên."
        ),
    ]
    buffer = io.BytesIO()
    doc.build_pdf(buffer, flow, title=f"Biên bản mở hòm phiếu — {box.conference.unit.name}")
    return buffer.getvalue()


def share_slips_pdf(
    box: BallotBox,
    *,
    shares: Sequence[str],
    threshold: int,
    members: int,
    fingerprint: str,
) -> bytes:
    """Return an A4 PDF of the box's key-share slips, two a page, with cut lines.

    Each slip holds one share as a QR code and in typed form (seven groups of five with
    check symbols), the box's key fingerprint and the instructions in Vietnamese. The
    members' shares come first; a share past *members* is the organiser's recovery share.
    """
    doc.register_fonts()
    rnd = box.conference.round
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=doc.PAGE_SIZE)
    c.setTitle(f"Mảnh khóa hòm phiếu — {box.conference.unit.name}")
    half = PAGE_H / 2
    margin = 15 * mm
    text_w = PAGE_W - 2 * margin - 62 * mm
    for index, share in enumerate(shares):
        slot = index % 2
        if slot == 0 and index:
            c.showPage()
        if slot == 0:
            c.setDash(3, 3)
            c.line(5 * mm, half, PAGE_W - 5 * mm, half)
            c.setDash()
        top = PAGE_H - slot * half - margin
        recovery = index >= members
        c.setFont(doc.FONT_BOLD, 12)
        c.drawString(margin, top - 4 * mm, "MẢNH KHÓA HÒM PHIẾU — MẬT")
        c.setFont(doc.FONT, 10)
        c.drawString(
            margin,
            top - 10 * mm,
            f"{rnd.title} — {box.conference.unit.name} — hòm phiếu số {box.pk}",
        )
        c.setFont(doc.FONT_BOLD, 11)
        owner = (
            "Mảnh dự phòng của Ban Tổ chức (chỉ dùng khi thiếu mảnh của Tổ kiểm phiếu)"
            if recovery
            else f"Mảnh số {index + 1}/{members} — thành viên Tổ kiểm phiếu"
        )
        c.drawString(margin, top - 17 * mm, owner)
        _draw_qr(c, share, margin, top - 75 * mm, 52 * mm)
        tx = margin + 60 * mm
        c.setFont(doc.FONT, 9)
        c.drawString(
            tx, top - 26 * mm, "Mảnh khóa (gõ đúng từng nhóm, không phân biệt hoa thường):"
        )
        c.setFont("Courier-Bold", 12)
        groups = share.split("-")
        c.drawString(tx, top - 33 * mm, " ".join(groups[:4]))
        c.drawString(tx, top - 39 * mm, " ".join(groups[4:]))
        c.setFont(doc.FONT, 8)
        c.drawString(tx, top - 46 * mm, f"Dấu vân tay khóa của hòm: {fingerprint[:32]}")
        y = top - 53 * mm
        instructions = (
            f"Khi niêm phong hòm phiếu cần nhập ít nhất {threshold} trong {members} mảnh khóa "
            "của Tổ kiểm phiếu. Nếu có ít hơn số đó, hòm phiếu không thể niêm phong và các "
            "phiếu không đọc được; khi đó dùng mảnh dự phòng của Ban Tổ chức thay cho mảnh "
            "bị mất. Đồng chí giữ mảnh khóa này trong phong bì dán kín, không cho người khác "
            "xem, không chụp ảnh, không gửi qua mạng. Tại trang niêm phong, gõ hoặc quét mã "
            "QR của mảnh khóa; ba ký tự cuối là ký tự kiểm tra, gõ sai một ký tự sẽ được báo "
            "ngay. Sau khi niêm phong, mảnh khóa không còn giá trị."
        )
        for line in _wrap(instructions, doc.FONT, 8, text_w):
            c.drawString(tx, y, line)
            y -= 10
    c.save()
    return buffer.getvalue()
