"""Geometry of a printed ballot, derived from a questionnaire alone (pure, no Django models).

All lengths are millimetres on an A4 page with the origin at the top-left corner and y
growing downwards (the scanner's view); :mod:`phieukin.paper.printing` converts to PDF
points. The geometry depends only on the questionnaire spec (code, version, texts,
scales): the leader's name, the round's title and the validity rules are printed in
fixed-size slots, so the reader can rebuild the layout of any page from its QR alone.

Four ArUco markers (``DICT_4X4_50``, ids 0–3 clockwise from top-left) sit in the corners
of every page and the QR sits at a fixed place top right, whatever the questionnaire.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from reportlab.pdfbase.pdfmetrics import stringWidth

from phieukin.core.documents import FONT, FONT_BOLD, FONT_ITALIC, register_fonts
from phieukin.questionnaires.yamlio import QuestionnaireSpec

PAGE_W = 210.0
PAGE_H = 297.0
PT = 25.4 / 72  # one typographic point in mm

MARKER_SIZE = 12.0
MARKER_MARGIN = 7.0
MARKER_IDS = (0, 1, 2, 3)  # top-left, top-right, bottom-right, bottom-left
MARKER_CELLS = 6  # 4x4 bits plus a one-cell black border

LEFT = 12.0
RIGHT = PAGE_W - 12.0
CONTENT_TOP_FIRST = 33.0
CONTENT_TOP_NEXT = 36.0
CONTENT_BOTTOM = PAGE_H - MARKER_MARGIN - MARKER_SIZE - 3.0  # 275 mm: above the footer band

MIN_COMMENT_H = 30.0
MAX_COMMENT_H = 70.0
RULES_H = 13.0  # fixed slot for the round's validity rules and the anonymity note
SUBJECT_H = 11.0  # fixed slot: the leader's name and position, then the round title
TITLE_MAX_LINES = 3


@dataclass(frozen=True)
class Rect:
    """A rectangle in millimetres, top-left origin."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        """Return the x of the centre."""
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        """Return the y of the centre."""
        return self.y + self.h / 2


QR_RECT = Rect(163.0, 6.0, 25.0, 25.0)
QR_SEARCH = Rect(158.0, 2.0, 34.0, 33.0)  # with quiet zone, where the reader looks


def marker_rects() -> tuple[Rect, Rect, Rect, Rect]:
    """Return the four marker squares in id order (TL, TR, BR, BL)."""
    m, s = MARKER_MARGIN, MARKER_SIZE
    return (
        Rect(m, m, s, s),
        Rect(PAGE_W - m - s, m, s, s),
        Rect(PAGE_W - m - s, PAGE_H - m - s, s, s),
        Rect(m, PAGE_H - m - s, s, s),
    )


@dataclass(frozen=True)
class TextBlock:
    """Wrapped lines printed from ``x``/``y`` (top of the first line) in one font."""

    x: float
    y: float
    lines: tuple[str, ...]
    font: str
    size: float
    leading: float


@dataclass(frozen=True)
class ScaleHeader:
    """A row of option labels (column headers) above a run of items on the same scale."""

    y: float
    h: float
    columns: tuple[Rect, ...]
    labels: tuple[tuple[str, ...], ...]  # wrapped label lines per option
    size: float


@dataclass(frozen=True)
class ItemLayout:
    """One item: its row, its text, and one checkbox per option in scale order."""

    key: str
    number: int
    row: Rect
    text: TextBlock
    boxes: tuple[Rect, ...]
    option_keys: tuple[str, ...]


@dataclass(frozen=True)
class PageLayout:
    """One page of a ballot copy."""

    number: int
    items: tuple[ItemLayout, ...]
    scale_headers: tuple[ScaleHeader, ...]
    sections: tuple[TextBlock, ...]
    comment: Rect | None
    comment_label: TextBlock | None
    rules: Rect | None
    title: TextBlock | None  # first page only
    instructions: TextBlock | None  # first page only
    subject: Rect  # fixed slot for the leader's name and the round title
    option_area: tuple[float, float]  # x range of the checkbox columns


@dataclass(frozen=True)
class BallotLayout:
    """The pages of one copy of a ballot for one questionnaire version."""

    questionnaire_code: str
    questionnaire_version: int
    text_size: float
    pages: tuple[PageLayout, ...]

    @property
    def page_count(self) -> int:
        """Return the number of pages of one copy."""
        return len(self.pages)

    @cached_property
    def fingerprint(self) -> str:
        """Return 8 hex digits that change whenever any box, row or comment area moves.

        Printed in the QR, so a page printed from one geometry is never read with another
        (say, after an update of this module between printing and counting).
        """
        parts = [self.questionnaire_code, str(self.questionnaire_version)]
        for page in self.pages:
            parts.append(f"p{page.number}")
            for item in page.items:
                rects = [item.row, *item.boxes]
                parts.append(item.key + ":" + ";".join(_rect_key(r) for r in rects))
            if page.comment is not None:
                parts.append("c" + _rect_key(page.comment))
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:8]

    def page(self, number: int) -> PageLayout:
        """Return page ``number`` (1-based) or raise KeyError."""
        if not 1 <= number <= len(self.pages):
            raise KeyError(number)
        return self.pages[number - 1]


def _rect_key(r: Rect) -> str:
    return f"{r.x:.2f},{r.y:.2f},{r.w:.2f},{r.h:.2f}"


Measure = Callable[[str, str, float], float]


def _measure(text: str, font: str, size: float) -> float:
    return float(stringWidth(text, font, size)) * PT


def wrap(text: str, font: str, size: float, width: float, measure: Measure = _measure) -> list[str]:
    """Wrap ``text`` greedily into lines no wider than ``width`` mm (long words are split)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words = paragraph.split()
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if measure(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while measure(word, font, size) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and measure(word[:cut], font, size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        if current:
            lines.append(current)
    return lines


def _paragraphs(text: str) -> str:
    """Join hard-wrapped lines of a YAML block into paragraphs (blank lines separate them)."""
    blocks = [" ".join(block.split()) for block in text.split("\n\n")]
    return "\n".join(b for b in blocks if b)


def _option_columns(n: int) -> tuple[float, float]:
    """Return (column width, box size) for a scale of ``n`` options."""
    col = max(10.5, min(14.0, 70.0 / n))
    box = 5.5 if col >= 12 else 5.0
    return col, box


@dataclass
class _PageDraft:
    items: list[ItemLayout] = field(default_factory=list)
    headers: list[ScaleHeader] = field(default_factory=list)
    sections: list[TextBlock] = field(default_factory=list)
    comment: Rect | None = None
    comment_label: TextBlock | None = None
    rules: Rect | None = None
    title: TextBlock | None = None
    instructions: TextBlock | None = None
    subject: Rect = Rect(0, 0, 0, 0)


class _Flow:
    """Place rows top to bottom, opening new pages as needed."""

    def __init__(self, spec: QuestionnaireSpec, size: float) -> None:
        self.spec = spec
        self.size = size
        self.leading = size * 1.18 * PT
        self.pages: list[_PageDraft] = []
        self.title: TextBlock | None = None
        self.instructions: TextBlock | None = None
        self._new_page()

    def _new_page(self) -> None:
        first = not self.pages
        page = _PageDraft()
        self.pages.append(page)
        if first:
            y = CONTENT_TOP_FIRST
            title_size = 11.5
            lines = wrap(self.spec.title.upper(), FONT_BOLD, title_size, RIGHT - LEFT)
            lines = lines[:TITLE_MAX_LINES]
            lead = title_size * 1.2 * PT
            page.title = TextBlock(LEFT, y, tuple(lines), FONT_BOLD, title_size, lead)
            y += len(lines) * lead + 1.0
            page.subject = Rect(LEFT, y, RIGHT - LEFT, SUBJECT_H)
            y += SUBJECT_H + 1.0
            instr = wrap(_paragraphs(self.spec.instructions), FONT_ITALIC, self.size, RIGHT - LEFT)
            page.instructions = TextBlock(
                LEFT, y, tuple(instr), FONT_ITALIC, self.size, self.leading
            )
            y += len(instr) * self.leading + 2.0
        else:
            page.subject = Rect(LEFT, CONTENT_TOP_NEXT - SUBJECT_H - 1.5, 140.0, SUBJECT_H)
            y = CONTENT_TOP_NEXT
        self.y = y
        self.last_scale: str | None = None

    @property
    def page(self) -> _PageDraft:
        return self.pages[-1]

    def fits(self, height: float) -> bool:
        return self.y + height <= CONTENT_BOTTOM

    def add_section(self, title: str, first_item_h: float, header_h: float) -> None:
        size = self.size + 0.5
        lines = wrap(title, FONT_BOLD, size, RIGHT - LEFT)
        lead = size * 1.18 * PT
        h = len(lines) * lead + 1.5
        if not self.fits(h + header_h + first_item_h):
            self._new_page()
        block = TextBlock(LEFT, self.y + 0.8, tuple(lines), FONT_BOLD, size, lead)
        self.page.sections.append(block)
        self.y += h

    def scale_header(self, scale_key: str) -> tuple[float, ScaleHeader]:
        scale = next(s for s in self.spec.scales if s.key == scale_key)
        n = len(scale.options)
        col, _box = _option_columns(n)
        left = RIGHT - n * col
        # Break labels between words only: shrink the label type (never below 7 pt) until
        # the longest word of every label fits its column.
        size = self.size
        words = [w for o in scale.options for w in o.label.split()]
        while size > 7.0 and any(_measure(w, FONT_BOLD, size) > col - 1.0 for w in words):
            size -= 0.25
        labels = []
        for option in scale.options:
            lines = wrap(option.label, FONT_BOLD, size, col - 1.0)
            labels.append(tuple(lines))
        lead = size * 1.12 * PT
        h = max(len(lines) for lines in labels) * lead + 3.0
        columns = tuple(Rect(left + i * col, self.y, col, h) for i in range(n))
        return h, ScaleHeader(self.y, h, columns, tuple(labels), size)

    def item_geometry(self, item_number: int, text: str, scale_key: str) -> tuple[list[str], float]:
        scale = next(s for s in self.spec.scales if s.key == scale_key)
        col, box = _option_columns(len(scale.options))
        text_w = RIGHT - len(scale.options) * col - LEFT - 8.0
        lines = wrap(text, FONT, self.size, text_w)
        h = max(len(lines) * self.leading + 2.0, box + 4.0)
        return lines, h

    def add_item(self, number: int, key: str, text: str, scale_key: str) -> None:
        lines, h = self.item_geometry(number, text, scale_key)
        need_header = self.last_scale != scale_key
        header_h = self.scale_header(scale_key)[0] if need_header else 0.0
        if not self.fits(h + header_h):
            self._new_page()
            need_header = True
        if need_header:
            hh, header = self.scale_header(scale_key)
            self.page.headers.append(header)
            self.y += hh
            self.last_scale = scale_key
        scale = next(s for s in self.spec.scales if s.key == scale_key)
        n = len(scale.options)
        col, box = _option_columns(n)
        left = RIGHT - n * col
        row = Rect(LEFT, self.y, RIGHT - LEFT, h)
        boxes = tuple(
            Rect(left + i * col + (col - box) / 2, self.y + (h - box) / 2, box, box)
            for i in range(n)
        )
        block = TextBlock(LEFT + 7.0, self.y + 1.0, tuple(lines), FONT, self.size, self.leading)
        self.page.items.append(
            ItemLayout(key, number, row, block, boxes, tuple(o.key for o in scale.options))
        )
        self.y += h

    def add_comment(self) -> None:
        label_lines = wrap(
            self.spec.comment_label
            + (f" ({self.spec.comment_help})" if self.spec.comment_help else ""),
            FONT_BOLD,
            self.size,
            RIGHT - LEFT,
        )
        label_h = len(label_lines) * self.leading + 1.0
        need = 2.0 + label_h + MIN_COMMENT_H + 1.0 + RULES_H
        if not self.fits(need):
            self._new_page()
        self.y += 2.0
        self.page.comment_label = TextBlock(
            LEFT, self.y, tuple(label_lines), FONT_BOLD, self.size, self.leading
        )
        self.y += label_h
        h = min(MAX_COMMENT_H, CONTENT_BOTTOM - self.y - RULES_H - 1.0)
        self.page.comment = Rect(LEFT, self.y, RIGHT - LEFT, h)
        self.y += h + 1.0
        self.page.rules = Rect(LEFT, self.y, RIGHT - LEFT, RULES_H)
        self.y += RULES_H

    def build(self) -> BallotLayout:
        pages = []
        for number, page in enumerate(self.pages, start=1):
            option_xs = [(b.x, b.x + b.w) for it in page.items for b in it.boxes]
            area = (
                (min(x for x, _ in option_xs), max(x for _, x in option_xs))
                if option_xs
                else (RIGHT, RIGHT)
            )
            pages.append(
                PageLayout(
                    number=number,
                    items=tuple(page.items),
                    scale_headers=tuple(page.headers),
                    sections=tuple(page.sections),
                    comment=page.comment,
                    comment_label=page.comment_label,
                    rules=page.rules,
                    title=page.title,
                    instructions=page.instructions,
                    subject=page.subject,
                    option_area=area,
                )
            )
        return BallotLayout(self.spec.code, self.spec.version, self.size, tuple(pages))


def _layout_with(spec: QuestionnaireSpec, size: float) -> BallotLayout:
    flow = _Flow(spec, size)
    sections = {s.key: s for s in spec.sections}
    items = sorted(spec.items, key=lambda i: i.order)
    current_section: str | None = None
    for number, item in enumerate(items, start=1):
        if item.section != current_section and item.section in sections:
            current_section = item.section
            section = sections[item.section]
            _lines, first_h = flow.item_geometry(number, item.text, item.scale)
            header_h = flow.scale_header(item.scale)[0]
            flow.add_section(section.title, first_h, header_h)
        flow.add_item(number, item.key, item.text, item.scale)
    flow.add_comment()
    return flow.build()


TEXT_SIZES = (10.0, 9.5, 9.0)  # never below 9 pt: readability first


def build_layout(spec: QuestionnaireSpec) -> BallotLayout:
    """Lay out a ballot copy for ``spec``: the largest text size that needs the fewest pages."""
    register_fonts()
    candidates = [_layout_with(spec, size) for size in TEXT_SIZES]
    fewest = min(c.page_count for c in candidates)
    return next(c for c in candidates if c.page_count == fewest)
