"""A second deck of marked ballots, drawn and captured by a renderer of its own.

The reader has been measured for months on one generator (:mod:`phieukin.paper.corpus`).
A generator written by the people who tune the reader flatters it: both share the same
ideas of what a tick, a pencil or a phone looks like. This deck shares none of that code.
It takes only what the product itself prints (the ballot PDF, its layout and its QR) and
draws on it differently:

- pages are rendered and captured **in colour**: blue and purple ballpoint ink, black gel
  pens, red pens, graphite, off-white and recycled paper, warm and cool light;
- marks are drawn with Pillow at four times the resolution and reduced (not with OpenCV
  polylines), with pressure that swells and fades along each stroke and ticks and crosses
  made of curved strokes;
- the printer is part of the capture: toner that is not quite black, a page printed with
  "fit to page" (shrunk and shifted), photocopied blank ballots with toner specks;
- captures add what devices add and the first deck does not: scanner and phone sharpening,
  tone curves, chroma-subsampled colour JPEG, JPEG inside a PDF (scan to PDF), a phone
  photo on a desk warped with Pillow's own perspective transform.

Every file goes through the product's own decoding (:func:`phieukin.paper.omr.worker.read_one`),
as an upload would. Each item's truth says what a careful person reads from the paper and
how a reader may answer (the same three rules as the first deck: ``read`` — must be read
as drawn or sent to a person; ``either`` — as drawn or to a person; ``review`` — only a
person decides).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter

from phieukin.paper.layout import BallotLayout, Rect, build_layout
from phieukin.paper.omr.types import parse_sheet_id
from phieukin.paper.printing import BoxSheetSpec, SubjectSheet, render_ballots_pdf
from phieukin.questionnaires.yamlio import QuestionnaireSpec, parse_questionnaire

QUESTIONNAIRE = (
    Path(__file__).resolve().parents[1] / "phieukin" / "data" / "questionnaire-neu-guong.yaml"
)
COPIES = 3  # printed copies (each with its own serial), pages picked among them
SUPER = 4  # marks are drawn at this many times the page's resolution, then reduced

# What a reader may answer for each mark style (see the module's docstring).
RULES: dict[str, str] = {
    "blank": "read",
    "pen_cross": "read",
    "pen_tick": "read",
    "pen_slash": "read",
    "pen_fill": "read",
    "pen_circle": "read",
    "pencil_cross": "read",
    "pencil_tick": "read",
    "light_pencil": "either",
    "pen_dot": "either",
    "correction": "either",
    "pen_beside": "either",  # a tick just beside its box, not touching it
    "row_strike": "either",  # one line through every box of the row: no answer
    "double": "review",
}
STYLE_WEIGHTS: dict[str, float] = {
    "blank": 3.0,
    "pen_cross": 3.0,
    "pen_tick": 3.0,
    "pen_slash": 1.0,
    "pen_fill": 1.0,
    "pen_circle": 1.0,
    "pencil_cross": 1.0,
    "pencil_tick": 1.0,
    "light_pencil": 1.0,
    "pen_dot": 0.5,
    "correction": 0.5,
    "pen_beside": 0.5,
    "row_strike": 0.3,
    "double": 0.5,
}
PLAIN_PAGES = 0.7  # share of pages with plain marks and blanks only
CAPTURES: dict[str, float] = {
    "scan_colour": 3.0,  # flatbed or feeder scan in colour, JPEG
    "scan_grey": 2.0,  # greyscale PNG
    "scan_pdf": 2.0,  # scan to PDF: a JPEG inside a PDF
    "phone": 2.0,  # a photo on a desk
    "phone_dim": 1.0,  # a photo in a dim room: noise, warm light, soft focus
    "photocopy": 1.0,  # the blank ballot was photocopied before it was marked, then scanned
}

# Inks as (R, G, B) of a full-strength line, and their strength ranges.
INKS: dict[str, tuple[tuple[int, int, int], tuple[float, float]]] = {
    "blue": ((28, 48, 150), (0.75, 0.97)),
    "purple": ((88, 40, 140), (0.75, 0.97)),
    "black": ((30, 30, 35), (0.8, 0.98)),
    "red": ((190, 30, 40), (0.8, 0.98)),
}
INK_WEIGHTS = {"blue": 6.0, "purple": 2.0, "black": 3.0, "red": 0.5}
GRAPHITE = (70, 70, 78)


@dataclass(frozen=True)
class Truth:
    """What was drawn on one item and what a careful person reads from it."""

    style: str
    option: int | None
    boxes: tuple[int, ...] = ()

    def judge(self, status: str, option_index: int | None) -> str:
        """Return ``right``, ``review`` or ``wrong`` for a reading of this item."""
        if status == "ambiguous":
            return "review"
        if RULES[self.style] == "review":
            return "wrong"
        if self.option is None:
            return "right" if status == "empty" else "wrong"
        return "right" if status == "marked" and option_index == self.option else "wrong"


@dataclass
class Page:
    """One captured page: the file as a device writes it, and its truth."""

    data: bytes
    name: str
    capture: str
    dpi: float
    payload: str
    truth: dict[str, Truth]
    plain: bool  # only plain marks and blanks: a reader should need no person
    placement: tuple[float, tuple[int, int]]  # the print's scale and shift (px) on the sheet
    render: np.ndarray | None = None  # the marked page before capture (RGB), when kept
    notes: list[str] = field(default_factory=list)


def _spec() -> QuestionnaireSpec:
    return parse_questionnaire(QUESTIONNAIRE.read_text(encoding="utf-8"))


class Deck:
    """The printed ballots (rendered once per resolution) and the pages drawn on them."""

    def __init__(self) -> None:
        spec = _spec()
        self.layout: BallotLayout = build_layout(spec)
        letters = str.maketrans("0123456789", "ABCDEFGHIJ")  # serials are base32: no 0, 1, 8, 9
        serial = (f"DECKB{n:07d}".translate(letters) for n in range(1, 10_000))
        box = BoxSheetSpec(
            round_id=7,
            box_id=91,
            round_title="Đợt II/2026 — Phường Phúc Lợi",
            questionnaire=spec,
            subjects=[
                SubjectSheet(301, "Lê Thị Hồng Nhung", "Bí thư Đảng ủy phường Phúc Lợi"),
                SubjectSheet(302, "Phạm Quốc Đạt", "Chủ tịch Ủy ban nhân dân phường Phúc Lợi"),
            ],
            superior="Đảng bộ Thành phố Hà Nội",
            issuer="Đảng ủy phường Phúc Lợi",
            validity_rules=["Mỗi nội dung chỉ đánh dấu một ô."],
        )
        self.pdf = render_ballots_pdf(box=box, copies=COPIES, serial=lambda: next(serial))
        self._renders: dict[int, list[np.ndarray]] = {}
        self._payloads: list[str] | None = None

    def blank(self, dpi: int) -> list[np.ndarray]:
        """Return the printed pages at ``dpi`` as grey images (cached)."""
        if dpi not in self._renders:
            document = pdfium.PdfDocument(self.pdf)
            pages = []
            for index in range(len(document)):
                bitmap = document[index].render(scale=dpi / 72, grayscale=True)
                array = bitmap.to_numpy()
                pages.append(np.array(array[:, :, 0] if array.ndim == 3 else array))
            document.close()
            self._renders[dpi] = pages
        return self._renders[dpi]

    def payloads(self) -> list[str]:
        """Return the QR text of every printed page, read from the render itself."""
        if self._payloads is None:
            import zxingcpp

            self._payloads = [zxingcpp.read_barcodes(p)[0].text for p in self.blank(150)]
        return self._payloads

    def page_number(self, index: int) -> int:
        """Return the page number within its copy of PDF page ``index``."""
        return parse_sheet_id(self.payloads()[index]).page

    def page(self, seed: int, number: int, *, keep: bool = False) -> Page:
        """Return page ``number`` of the deck of ``seed``: printed, marked and captured."""
        rng = np.random.default_rng([seed, number, 0xB])
        index = int(rng.integers(0, len(self.payloads())))
        capture = _pick(rng, CAPTURES)
        dpi = int(rng.choice([150, 200, 200, 300], p=[0.3, 0.3, 0.2, 0.2]))
        if capture.startswith("phone"):
            dpi = int(rng.choice([170, 200, 230]))
        printed = self.blank(dpi)[index]
        notes: list[str] = []
        sheet, (factor, shift) = _print(printed, rng, notes, photocopy=capture == "photocopy")
        truth = {}
        drawer = _Drawer(sheet, dpi / 25.4, rng, factor, shift)
        # Most respondents mark plainly; some pages carry every kind of mark.
        plain = bool(rng.random() < PLAIN_PAGES)
        for item in self.layout.page(self.page_number(index)).items:
            t = _plan(rng, len(item.boxes), plain=plain)
            drawer.item(t, item.boxes)
            truth[item.key] = t
        marked = drawer.image
        data, name = _capture(marked, capture, dpi, rng, notes)
        return Page(
            data,
            name,
            capture,
            dpi,
            self.payloads()[index],
            truth,
            plain,
            (factor, shift),
            marked if keep else None,
            notes,
        )


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    names = list(weights)
    p = np.array([weights[n] for n in names])
    return str(rng.choice(names, p=p / p.sum()))


def _plan(rng: np.random.Generator, n: int, *, plain: bool) -> Truth:
    weights = STYLE_WEIGHTS
    if plain:
        weights = {k: v for k, v in STYLE_WEIGHTS.items() if RULES[k] == "read"}
    style = _pick(rng, weights)
    option = int(rng.integers(0, n))
    other = int((option + rng.integers(1, n)) % n)
    if style in ("blank", "row_strike"):
        return Truth(style, None)
    if style == "double":
        return Truth(style, None, (option, other))
    if style == "correction":
        return Truth(style, other, (option, other))  # option scribbled out, other marked
    return Truth(style, option, (option,))


# --- printing ---------------------------------------------------------------------------


def _print(
    grey: np.ndarray, rng: np.random.Generator, notes: list[str], *, photocopy: bool
) -> tuple[np.ndarray, tuple[float, tuple[int, int]]]:
    """Print the grey render on paper: toner, paper tint, perhaps fit-to-page and a copier.

    Returns the sheet (RGB float) and where the print landed on it: the factor and the
    shift (px) of "fit to page", so that marks land on the boxes as printed.
    """
    h, w = grey.shape
    ink = grey.astype(np.float32) / 255  # 1 = paper, 0 = toner
    factor, shift = 1.0, (0, 0)
    toner = float(rng.uniform(0.0, 0.16))  # laser black is rarely full black
    if rng.random() < 0.3:
        # "Fit to page": the printer shrinks the page a little and shifts it.
        factor = float(rng.uniform(0.94, 0.99))
        small = Image.fromarray((ink * 255).astype(np.uint8)).resize(
            (round(w * factor), round(h * factor)), Image.Resampling.LANCZOS
        )
        canvas = Image.new("L", (w, h), 255)
        shift = (int(rng.uniform(0, w - small.width)), int(rng.uniform(0, h - small.height)))
        canvas.paste(small, shift)
        ink = np.asarray(canvas, dtype=np.float32) / 255
        notes.append(f"fit to page {factor:.3f}")
    if photocopy:
        # A copy of the blank ballot: a little blur, a greyer black, specks of toner.
        ink = (
            np.asarray(
                Image.fromarray((ink * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.7)),
                dtype=np.float32,
            )
            / 255
        )
        toner = max(toner, float(rng.uniform(0.08, 0.2)))
        specks = int(rng.integers(20, 120))
        for _ in range(specks):
            y, x = int(rng.integers(0, h - 3)), int(rng.integers(0, w - 3))
            size = int(rng.integers(1, 3))
            ink[y : y + size, x : x + size] = np.minimum(ink[y : y + size, x : x + size], 0.3)
        notes.append(f"photocopied, {specks} specks")
    if rng.random() < 0.15:
        # Low toner: light vertical bands where the drum starves.
        band = np.ones(w, dtype=np.float32)
        for _ in range(int(rng.integers(1, 4))):
            c, half = int(rng.integers(0, w)), int(rng.integers(w // 60, w // 15))
            band[max(0, c - half) : c + half] = float(rng.uniform(0.55, 0.85))
        ink = 1 - (1 - ink) * band[None, :]
        notes.append("low toner bands")
    darkness = (1 - ink) * (1 - toner)
    tints = [(252, 251, 247), (246, 244, 236), (238, 236, 226), (250, 250, 252), (243, 240, 228)]
    tint = np.array(tints[int(rng.integers(0, len(tints)))], dtype=np.float32)
    # Paper fibres: faint low-frequency mottling.
    mottle = rng.normal(0, 1, (h // 16 + 1, w // 16 + 1)).astype(np.float32)
    mottle = np.asarray(
        Image.fromarray(mottle).resize((w, h), Image.Resampling.BICUBIC), dtype=np.float32
    )
    paper = tint[None, None, :] + (mottle * float(rng.uniform(0.5, 2.0)))[:, :, None]
    sheet = paper * (1 - darkness[:, :, None])
    return np.clip(sheet, 0, 255), (factor, shift)


# --- marks ------------------------------------------------------------------------------


class _Drawer:
    """Draws marks onto an RGB float page (0–255) with Pillow, supersampled."""

    def __init__(
        self,
        image: np.ndarray,
        px_per_mm: float,
        rng: np.random.Generator,
        factor: float = 1.0,
        shift: tuple[int, int] = (0, 0),
    ) -> None:
        self.image = image
        self.px = px_per_mm * factor  # the print was scaled by ``factor`` ...
        self.shift = shift  # ... and moved by this many pixels
        self.rng = rng
        self._pen: tuple[tuple[int, int, int], float, float] | None = None

    def pen(self) -> tuple[tuple[int, int, int], float, float]:
        """One respondent keeps one pen for the page: colour, strength, width (mm)."""
        if self._pen is None:
            name = _pick(self.rng, INK_WEIGHTS)
            colour, (lo, hi) = INKS[name]
            self._pen = (
                colour,
                float(self.rng.uniform(lo, hi)),
                float(self.rng.uniform(0.35, 0.75)),
            )
        return self._pen

    def item(self, truth: Truth, boxes: tuple[Rect, ...]) -> None:
        style, rng = truth.style, self.rng
        if style == "blank":
            return
        colour, strength, width = self.pen()
        if style == "row_strike":
            first, last = boxes[0], boxes[-1]
            y = first.cy + self._jitter(0.6)
            ends = [
                (first.x - 2 + self._jitter(0.5), y),
                (last.x + last.w + 2, y + self._jitter(1)),
            ]
            self._curve(ends, colour, strength, width, False, bow=float(self.rng.normal(0, 0.5)))
            return
        targets = [boxes[i] for i in truth.boxes]
        if style == "correction":
            self._scribble(targets[0], colour, strength, width, dense=True)
            self._cross(targets[1], colour, strength, width)
            return
        if style == "double":
            for box in targets:
                (self._cross if rng.random() < 0.6 else self._tick)(box, colour, strength, width)
            return
        box = targets[0]
        if style.startswith("pencil") or style == "light_pencil":
            light = style == "light_pencil"
            strength = float(rng.uniform(0.17, 0.3) if light else rng.uniform(0.42, 0.83))
            colour, width = GRAPHITE, float(rng.uniform(0.3, 0.7))
            shape = rng.choice(["cross", "tick", "slash"]) if light else style.split("_")[1]
            getattr(self, f"_{shape}")(box, colour, strength, width, grain=True)
        elif style == "pen_cross":
            self._cross(box, colour, strength, width)
        elif style == "pen_tick":
            self._tick(box, colour, strength, width)
        elif style == "pen_slash":
            self._slash(box, colour, strength, width)
        elif style == "pen_fill":
            self._scribble(box, colour, strength, width, dense=rng.random() < 0.5)
        elif style == "pen_circle":
            self._circle(box, colour, strength, width)
        elif style == "pen_beside":
            # Ticked just right of the box (1–2 mm clear of its line), nearer it than
            # any other box: a person reads it as that box.
            gap = float(rng.uniform(1.0, 2.0))
            side = box.w * 0.8
            beside = Rect(box.x + box.w + gap, box.y + (box.h - side) / 2, side, side)
            self._tick(beside, colour, strength, width, spread=0.0)
        elif style == "pen_dot":
            self._dot(box, colour, strength)
        else:
            raise ValueError(style)

    # Shapes, in page millimetres.

    def _jitter(self, mm: float) -> float:
        return float(self.rng.normal(0, mm))

    def _cross(self, b: Rect, colour, strength, width, grain=False) -> None:  # type: ignore[no-untyped-def]
        reach = float(self.rng.uniform(-0.15, 0.3))  # how far past the corners (share of side)
        ox, oy = b.w * reach / 2, b.h * reach / 2
        cx, cy = b.cx + self._jitter(0.4), b.cy + self._jitter(0.4)
        half_w, half_h = b.w / 2 + ox, b.h / 2 + oy
        for sign in (1, -1):
            a = (cx - half_w + self._jitter(0.3), cy - sign * half_h + self._jitter(0.3))
            z = (cx + half_w + self._jitter(0.3), cy + sign * half_h + self._jitter(0.3))
            self._curve([a, z], colour, strength, width, grain, bow=float(self.rng.normal(0, 0.4)))

    def _tick(self, b: Rect, colour, strength, width, grain=False, spread=0.5) -> None:  # type: ignore[no-untyped-def]
        """A tick over ``b``: its size and place vary by ``spread`` (0: exactly on ``b``)."""
        s, cx, cy = b.w, b.cx, b.cy
        if spread:
            s *= float(self.rng.uniform(0.8, 1.35))
            cx, cy = cx + self._jitter(spread), cy + self._jitter(spread)
        start = (cx - s * 0.45, cy - s * 0.05)
        bottom = (cx - s * 0.1, cy + s * 0.35)
        end = (cx + s * 0.5, cy - s * 0.55)
        self._curve([start, bottom], colour, strength, width, grain, bow=0.2)
        self._curve([bottom, end], colour, strength, width, grain, bow=-0.3)

    def _slash(self, b: Rect, colour, strength, width, grain=False) -> None:  # type: ignore[no-untyped-def]
        s = b.w * float(self.rng.uniform(0.7, 1.3)) / 2
        cx, cy = b.cx + self._jitter(0.4), b.cy + self._jitter(0.4)
        sign = 1 if self.rng.random() < 0.8 else -1
        self._curve(
            [(cx - s, cy + sign * s), (cx + s, cy - sign * s)],
            colour,
            strength,
            width,
            grain,
            bow=0.3,
        )

    def _scribble(self, b: Rect, colour, strength, width, dense: bool) -> None:  # type: ignore[no-untyped-def]
        lines = int(self.rng.integers(9, 14) if dense else self.rng.integers(4, 7))
        cover = float(self.rng.uniform(0.75, 1.0))
        pts = []
        for k in range(lines):
            y = b.y + b.h * (1 - cover) / 2 + b.h * cover * k / max(1, lines - 1)
            x0, x1 = b.x + 0.4 + self._jitter(0.2), b.x + b.w - 0.4 + self._jitter(0.2)
            pts.append((x0, y) if k % 2 == 0 else (x1, y))
            pts.append((x1, y + self._jitter(0.1)) if k % 2 == 0 else (x0, y + self._jitter(0.1)))
        self._polyline(pts, colour, strength, width * 1.3, False)

    def _circle(self, b: Rect, colour, strength, width) -> None:  # type: ignore[no-untyped-def]
        rx = b.w / 2 * float(self.rng.uniform(1.3, 1.9))
        ry = b.h / 2 * float(self.rng.uniform(1.2, 1.7))
        cx, cy = b.cx + self._jitter(0.4), b.cy + self._jitter(0.4)
        start = float(self.rng.uniform(0, 2 * math.pi))
        sweep = float(self.rng.uniform(2 * math.pi * 0.94, 2 * math.pi * 1.12))
        steps = 60
        wobble = self.rng.normal(0, 0.04, steps + 1).cumsum() * 0.5
        pts = [
            (
                cx + rx * (1 + wobble[k]) * math.cos(start + sweep * k / steps),
                cy + ry * (1 + wobble[k]) * math.sin(start + sweep * k / steps),
            )
            for k in range(steps + 1)
        ]
        self._polyline(pts, colour, strength, width, False)

    def _dot(self, b: Rect, colour, strength) -> None:  # type: ignore[no-untyped-def]
        r = float(self.rng.uniform(0.5, 0.9))
        cx, cy = b.cx + self._jitter(0.8), b.cy + self._jitter(0.8)

        def draw(d: ImageDraw.ImageDraw, to) -> None:  # type: ignore[no-untyped-def]
            x0, y0 = to((cx - r, cy - r))
            x1, y1 = to((cx + r, cy + r))
            d.ellipse([x0, y0, x1, y1], fill=255)

        self._stamp(
            (cx - r - 1, cy - r - 1), (cx + r + 1, cy + r + 1), draw, colour, strength, False
        )

    def _curve(self, ends, colour, strength, width, grain, bow: float) -> None:  # type: ignore[no-untyped-def]
        (x0, y0), (x1, y1) = ends
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        nx, ny = -(y1 - y0), x1 - x0
        length = math.hypot(nx, ny) or 1.0
        cx, cy = mx + nx / length * bow, my + ny / length * bow
        pts = []
        for k in range(17):
            t = k / 16
            pts.append(
                (
                    (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t**2 * x1,
                    (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t**2 * y1,
                )
            )
        self._polyline(pts, colour, strength, width, grain)

    def _polyline(self, pts_mm, colour, strength, width, grain) -> None:  # type: ignore[no-untyped-def]
        """Draw a stroke whose pressure swells in the middle and fades at its ends."""
        pts = [(float(x), float(y)) for x, y in pts_mm]
        n = len(pts)
        pressure = np.sin(np.linspace(0.15, math.pi - 0.15, n)) ** 0.5
        pressure *= float(self.rng.uniform(0.75, 1.0))
        scale = self.px * SUPER

        def draw(d: ImageDraw.ImageDraw, to) -> None:  # type: ignore[no-untyped-def]
            for k in range(n - 1):
                a, z = to(pts[k]), to(pts[k + 1])
                w = max(1, round(width * scale * (0.75 + 0.25 * pressure[k])))
                level = round(255 * (0.55 + 0.45 * pressure[k]))
                d.line([a, z], fill=level, width=w)
                d.ellipse([z[0] - w / 2, z[1] - w / 2, z[0] + w / 2, z[1] + w / 2], fill=level)

        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        margin = width + 0.5
        lo, hi = (min(xs) - margin, min(ys) - margin), (max(xs) + margin, max(ys) + margin)
        self._stamp(lo, hi, draw, colour, strength, grain)

    def _stamp(self, lo, hi, draw, colour, strength, grain) -> None:  # type: ignore[no-untyped-def]
        """Draw ``draw`` on a supersampled mask over a patch and lay the ink down.

        ``draw(d, to)`` draws with ``to`` mapping a point in page millimetres to the mask.
        """
        h, w = self.image.shape[:2]
        sx, sy = self.shift
        x0, y0 = math.floor(lo[0] * self.px + sx), math.floor(lo[1] * self.px + sy)
        x1, y1 = math.ceil(hi[0] * self.px + sx), math.ceil(hi[1] * self.px + sy)
        x0c, y0c, x1c, y1c = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        if x1c <= x0c or y1c <= y0c:
            return
        mask = Image.new("L", ((x1 - x0) * SUPER, (y1 - y0) * SUPER), 0)

        def to(p: tuple[float, float]) -> tuple[float, float]:
            return ((p[0] * self.px + sx - x0) * SUPER, (p[1] * self.px + sy - y0) * SUPER)

        draw(ImageDraw.Draw(mask), to)
        alpha = np.asarray(mask.reduce(SUPER), dtype=np.float32) / 255
        if grain:
            # Graphite sits on the paper's tooth: patchy, never a solid line.
            speckle = (self.rng.random(alpha.shape) * 255).astype(np.uint8)
            blurred = Image.fromarray(speckle).filter(ImageFilter.GaussianBlur(0.8))
            tooth = np.asarray(blurred, dtype=np.float32) / 255
            alpha = alpha * np.clip((tooth - 0.5) * 6.0 + 0.7, 0.15, 1.0)
        alpha = alpha[y0c - y0 : y1c - y0, x0c - x0 : x1c - x0] * strength
        ink = np.array(colour, dtype=np.float32) / 255
        patch = self.image[y0c:y1c, x0c:x1c]
        # Ink absorbs: each channel keeps the share of light the ink lets through.
        patch *= 1 - alpha[:, :, None] * (1 - ink[None, None, :])


# --- capture ----------------------------------------------------------------------------


def _tone(image: np.ndarray, gamma: float) -> np.ndarray:
    out: np.ndarray = 255 * (np.clip(image, 0, 255) / 255) ** gamma
    return out


def _jpeg(image: Image.Image, quality: int, subsampling: int = 2) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, subsampling=subsampling)
    return out.getvalue()


def _capture(
    page: np.ndarray, capture: str, dpi: int, rng: np.random.Generator, notes: list[str]
) -> tuple[bytes, str]:
    """Return the file a device writes of the marked page (RGB float, 0–255)."""
    if capture.startswith("phone"):
        return _phone(page, rng, notes, dim=capture == "phone_dim")
    h, w = page.shape[:2]
    img = Image.fromarray(np.clip(page, 0, 255).astype(np.uint8), "RGB")
    angle = float(rng.normal(0, 0.8))
    img = img.rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(250, 250, 250)
    )
    # The scanner's lamp: slightly uneven across the glass; its sensor: a little noise.
    arr = np.asarray(img, dtype=np.float32)
    ramp = np.linspace(1.0, float(rng.uniform(0.93, 1.0)), w, dtype=np.float32)
    arr = arr * ramp[None, :, None]
    arr = _tone(arr, float(rng.uniform(0.8, 1.25)))
    arr += rng.normal(0, float(rng.uniform(0.8, 2.5)), (h, w, 1)).astype(np.float32)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    if rng.random() < 0.7:
        img = img.filter(
            ImageFilter.UnsharpMask(
                radius=float(rng.uniform(0.8, 2.0)),
                percent=int(rng.integers(40, 160)),
                threshold=int(rng.integers(0, 4)),
            )
        )
        notes.append("sharpened")
    notes.append(f"rotated {angle:.2f}")
    if capture == "scan_grey":
        out = io.BytesIO()
        img.convert("L").save(out, format="PNG")
        return out.getvalue(), "scan.png"
    if capture == "scan_pdf":
        out = io.BytesIO()
        mode = img if rng.random() < 0.6 else img.convert("L")
        mode.save(out, format="PDF", resolution=float(dpi), quality=int(rng.integers(70, 90)))
        return out.getvalue(), "scan.pdf"
    return _jpeg(img, int(rng.integers(72, 95))), "scan.jpg"


def _perspective_coeffs(
    src: list[tuple[float, float]], dst: list[tuple[float, float]]
) -> list[float]:
    """Coefficients for Pillow's PERSPECTIVE transform mapping output ``dst`` to input ``src``."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return [float(c) for c in np.linalg.solve(np.array(rows), np.array(rhs))]


def _phone(
    page: np.ndarray, rng: np.random.Generator, notes: list[str], *, dim: bool
) -> tuple[bytes, str]:
    h, w = page.shape[:2]
    frame_w, frame_h = (2448, 3264)
    fill = float(rng.uniform(0.55, 0.85))
    scale = fill * frame_h / h
    pw, ph = w * scale, h * scale
    cx = frame_w / 2 + rng.uniform(-0.08, 0.08) * frame_w
    cy = frame_h / 2 + rng.uniform(-0.06, 0.06) * frame_h
    tilt = float(rng.uniform(-0.07, 0.07))
    keystone = float(rng.uniform(0.0, 0.1))
    angle = float(rng.normal(0, 3.0)) * math.pi / 180
    corners = []
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x = sx * pw / 2 * (1 - keystone * (sy < 0)) + sy * tilt * pw / 2
        y = sy * ph / 2
        corners.append(
            (
                cx + x * math.cos(angle) - y * math.sin(angle) + rng.normal(0, 6),
                cy + x * math.sin(angle) + y * math.cos(angle) + rng.normal(0, 6),
            )
        )
    src = [(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))]
    coeffs = _perspective_coeffs(src, corners)
    sheet = Image.fromarray(np.clip(page, 0, 255).astype(np.uint8), "RGB")
    warped = sheet.transform(
        (frame_w, frame_h),
        Image.Transform.PERSPECTIVE,
        coeffs,
        Image.Resampling.BICUBIC,
        fillcolor=None,
    )
    inside = Image.new("L", (w, h), 255).transform(
        (frame_w, frame_h),
        Image.Transform.PERSPECTIVE,
        coeffs,
        Image.Resampling.BILINEAR,
        fillcolor=0,
    )
    desk_colours = [(120, 86, 60), (60, 62, 66), (180, 170, 150), (35, 40, 48)]
    desk_c = np.array(desk_colours[int(rng.integers(0, len(desk_colours)))], dtype=np.float32)
    grain = rng.normal(0, 1, (frame_h // 32, frame_w // 32)).astype(np.float32)
    grain = np.asarray(
        Image.fromarray(grain).resize((frame_w, frame_h), Image.Resampling.BICUBIC),
        dtype=np.float32,
    )
    desk = desk_c[None, None, :] * (1 + 0.08 * grain[:, :, None])
    alpha = np.asarray(inside, dtype=np.float32)[:, :, None] / 255
    arr = np.asarray(warped, dtype=np.float32) * alpha + desk * (1 - alpha)
    # Light: a gradient across the frame, a vignette and a colour cast (computed coarse:
    # light varies slowly).
    small_h, small_w = frame_h // 16, frame_w // 16
    yy, xx = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    gx, gy = rng.uniform(-0.25, 0.25, 2)
    light = 1 + gx * (xx / small_w - 0.5) + gy * (yy / small_h - 0.5)
    r2 = ((xx / small_w - 0.5) ** 2 + (yy / small_h - 0.5) ** 2) / 0.5
    light *= 1 - float(rng.uniform(0.05, 0.25)) * r2
    exposure = float(rng.uniform(0.55, 0.75) if dim else rng.uniform(0.8, 1.05))
    light = np.asarray(
        Image.fromarray(light * exposure).resize((frame_w, frame_h), Image.Resampling.BILINEAR),
        dtype=np.float32,
    )
    cast = np.array(
        [1.0, float(rng.uniform(0.94, 1.0)), float(rng.uniform(0.86, 1.0))], dtype=np.float32
    )
    if rng.random() < 0.4:
        cast = cast[::-1].copy()  # cool daylight instead of a warm bulb
    arr *= light[:, :, None]
    arr *= cast[None, None, :]
    del light
    # Sensor noise grows with the signal (shot) and with darkness (gain).
    sigma = float(rng.uniform(2.5, 6.0) if dim else rng.uniform(0.8, 2.5))
    grey = arr.mean(axis=2)
    noise = rng.standard_normal(grey.shape, dtype=np.float32) * sigma
    noise *= np.sqrt(np.clip(grey, 1, 255) / 128)
    arr += noise[:, :, None]
    del grey, noise
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    del arr
    # The phone's own processing: noise reduction (stronger in the dark, where it also
    # softens detail), then sharpening.
    img = img.filter(
        ImageFilter.GaussianBlur(float(rng.uniform(0.8, 1.3) if dim else rng.uniform(0.5, 0.9)))
    )
    img = img.filter(
        ImageFilter.UnsharpMask(
            radius=float(rng.uniform(1.0, 2.5)), percent=int(rng.integers(60, 180)), threshold=2
        )
    )
    notes.append(
        f"phone fill {fill:.2f} tilt {tilt:.2f} keystone {keystone:.2f} "
        f"angle {math.degrees(angle):.1f}"
    )
    return _jpeg(img, int(rng.integers(80, 95))), "photo.jpg"
