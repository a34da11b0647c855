"""Synthetic filled-in ballots: our PDF, marked as people mark, degraded as scanners do.

Used by the OMR tests (a few dozen pages) and by ``bench/omr.py`` (thousands). Every page
comes with its ground truth, so a reading can be scored: a *clear* mark must be read,
anything else may be flagged, and nothing may be read wrongly without a flag.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium

from phieukin.paper.layout import BallotLayout, PageLayout, Rect, build_layout
from phieukin.paper.omr.types import ItemReading, SheetId, parse_sheet_id
from phieukin.paper.printing import BoxSheetSpec, SubjectSheet, render_ballots_pdf
from phieukin.questionnaires.yamlio import (
    ItemSpec,
    OptionSpec,
    QuestionnaireSpec,
    ScaleSpec,
    SectionSpec,
    parse_questionnaire,
)

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "questionnaire-neu-guong.yaml"

CLEAR_STYLES = ("tick", "cross", "fill", "circle")
UNCLEAR_STYLES = ("faint", "double", "correction", "stray")
ALL_STYLES = ("blank", *CLEAR_STYLES, *UNCLEAR_STYLES)


def sample_spec() -> QuestionnaireSpec:
    """Return the 21-item sample questionnaire shipped in ``phieukin/data``."""
    return parse_questionnaire(SAMPLE.read_text(encoding="utf-8"))


LONG_TEXT = (
    "Đồng chí có thường xuyên lắng nghe, tiếp thu ý kiến phản ánh, kiến nghị chính đáng của "
    "cán bộ, đảng viên và Nhân dân trên địa bàn; chủ động đối thoại, giải quyết dứt điểm những "
    "vấn đề bức xúc, kéo dài ngay từ cơ sở, không đùn đẩy, né tránh trách nhiệm hay không?"
)


def small_spec(
    items: int = 7, options: int = 3, *, code: str = "thu-nghiem-7"
) -> QuestionnaireSpec:
    """Return another questionnaire: ``items`` items with long texts on an ``options`` scale."""
    labels = ["Đồng ý", "Phân vân", "Không đồng ý", "Rất tốt", "Tốt", "Khá", "Trung bình"]
    labels += ["Yếu", "Kém", "Không đánh giá"]
    scale = ScaleSpec(
        key="thang",
        label="Thang",
        options=[
            OptionSpec(key=f"o{i}", label=labels[i % len(labels)], score=Decimal(options - i))
            for i in range(options)
        ],
    )
    return QuestionnaireSpec(
        code=code,
        version=2,
        title="Phiếu thử nghiệm bố cục với nội dung dài và thang đánh giá khác",
        short_title="Phiếu thử nghiệm",
        instructions="Đánh dấu X vào một ô cho mỗi nội dung.",
        scales=[scale],
        sections=[SectionSpec(key="A", title="Phần A — nội dung dài", order=1)],
        items=[
            ItemSpec(
                key=f"c{i + 1:02d}",
                section="A",
                scale="thang",
                text=(LONG_TEXT if i % 2 == 0 else LONG_TEXT[:90]),
                order=i + 1,
            )
            for i in range(items)
        ],
    )


def box_spec(spec: QuestionnaireSpec, *, round_id: int = 12, box_id: int = 34) -> BoxSheetSpec:
    """Return a box with two leaders for ``spec``."""
    return BoxSheetSpec(
        round_id=round_id,
        box_id=box_id,
        round_title="Đợt I/2026 — Phường Bồ Đề",
        questionnaire=spec,
        subjects=[
            SubjectSheet(56, "Nguyễn Văn Thử", "Bí thư Đảng ủy phường Bồ Đề"),
            SubjectSheet(57, "Trần Thị Nghiệm", "Chủ tịch Ủy ban nhân dân phường Bồ Đề"),
        ],
        superior="Đảng bộ Quận Long Biên",
        issuer="Đảng ủy phường Bồ Đề",
        validity_rules=["Mỗi nội dung chỉ đánh dấu một ô."],
    )


def render_images(pdf: bytes, dpi: float) -> list[np.ndarray]:
    """Render every page of a PDF to grayscale at ``dpi``."""
    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            images.append(
                np.array(
                    bitmap.to_numpy()[:, :, 0] if bitmap.to_numpy().ndim == 3 else bitmap.to_numpy()
                )
            )
            bitmap.close()
            page.close()
        return images
    finally:
        document.close()


@dataclass
class Truth:
    """What was drawn on one item: its style, the intended option and the boxes inked."""

    style: str
    option: int | None  # the respondent's final choice (None: no choice)
    inked: tuple[int, ...] = ()

    @property
    def clear(self) -> bool:
        """Return True when a reader must read this item without asking a human."""
        return self.style in (*CLEAR_STYLES, "blank")


@dataclass
class SynthPage:
    """A marked and degraded page with its ground truth."""

    image: np.ndarray
    sheet: SheetId
    truth: dict[str, Truth]
    comment: bool = False
    profile: str = "scan"
    blank: bool = False
    notes: list[str] = field(default_factory=list)


def _stroke(canvas: np.ndarray, pts: list[tuple[float, float]], width: float) -> None:
    """Draw an anti-aliased polyline into the float ink mask (points in pixels)."""
    shift = 4
    arr = np.array([[round(x * 16), round(y * 16)] for x, y in pts], dtype=np.int32)
    cv2.polylines(canvas, [arr], False, 255, max(1, round(width)), cv2.LINE_AA, shift)


def draw_mark(mask: np.ndarray, box: Rect, style: str, px: float, rng: np.random.Generator) -> None:
    """Draw a human mark of ``style`` over ``box`` (mm) into ``mask`` (pixels per mm ``px``)."""
    pen = rng.uniform(0.35, 0.7) * px

    def p(u: float, v: float) -> tuple[float, float]:
        return ((box.x + u * box.w) * px, (box.y + v * box.h) * px)

    j = lambda s=0.08: rng.uniform(-s, s)  # noqa: E731 — a tiny jitter helper
    if style == "tick":
        k = rng.uniform(0.85, 1.6)  # from a neat tick to one that overshoots the box
        _stroke(
            mask,
            [
                p(0.2 + j(), 0.5 + j()),
                p(0.42 + j(), 0.5 + 0.32 * k + j(0.04)),
                p(0.5 + 0.4 * k + j(), 0.5 - 0.45 * k + j()),
            ],
            pen,
        )
    elif style == "cross":
        a = rng.uniform(-0.2, 0.22)  # negative: the strokes run past the box corners
        _stroke(mask, [p(a + j(), a + j()), p(1 - a + j(), 1 - a + j())], pen)
        _stroke(mask, [p(1 - a + j(), a + j()), p(a + j(), 1 - a + j())], pen)
    elif style in ("fill", "scribble"):
        cover = rng.uniform(0.55, 0.95)
        lo, hi = (1 - cover) / 2, 1 - (1 - cover) / 2
        rows = int(rng.integers(5, 9))
        pts: list[tuple[float, float]] = []
        for r in range(rows + 1):
            v = lo + (hi - lo) * r / rows
            pts += [p(lo + j(0.03), v), p(hi + j(0.03), v + (hi - lo) / rows / 2)]
        _stroke(mask, pts, max(pen, 0.9 * px))
    elif style == "circle":
        cx, cy = p(0.5 + j(0.06), 0.5 + j(0.06))
        radius = float(rng.uniform(0.68, 0.95) * box.w * px)
        ry = radius * rng.uniform(0.85, 1.05)
        start = rng.uniform(0, 360)
        span = rng.uniform(350, 400)  # people overshoot or leave a tiny gap
        angles = np.deg2rad(np.linspace(start, start + span, 48))
        pts = [
            (cx + radius * np.cos(t) * (1 + j(0.04)), cy + ry * np.sin(t) * (1 + j(0.04)))
            for t in angles
        ]
        _stroke(mask, pts, pen)
    elif style == "stray":
        # A short stroke that touches the box from outside: not a vote, must not be read as one.
        _stroke(mask, [p(-0.6, 0.1 + j()), p(0.12 + j(0.05), 0.35 + j())], pen)


def plan_page(
    page: PageLayout,
    rng: np.random.Generator,
    *,
    styles: tuple[str, ...] = ALL_STYLES,
    weights: tuple[float, ...] | None = None,
) -> dict[str, Truth]:
    """Pick a style (uniformly, or by ``weights``) and an option for every item of the page."""
    truth = {}
    p = None if weights is None else np.array(weights) / sum(weights)
    for item in page.items:
        n = len(item.boxes)
        style = str(rng.choice(styles, p=p))
        option = int(rng.integers(0, n))
        if style == "blank":
            truth[item.key] = Truth("blank", None, ())
        elif style in ("double", "correction"):
            other = int((option + rng.integers(1, n)) % n)
            final = option if style == "correction" else None
            truth[item.key] = Truth(style, final, (option, other))
        elif style == "stray":
            truth[item.key] = Truth("stray", None, (option,))
        else:
            truth[item.key] = Truth(style, option, (option,))
    return truth


def ink_page(
    image: np.ndarray,
    page: PageLayout,
    truth: dict[str, Truth],
    dpi: float,
    rng: np.random.Generator,
    *,
    comment: bool = False,
) -> np.ndarray:
    """Return ``image`` with the planned marks drawn (ballpoint or pencil)."""
    px = dpi / 25.4
    pen_mask = np.zeros(image.shape, dtype=np.uint8)
    pencil_mask = np.zeros(image.shape, dtype=np.uint8)
    items = {it.key: it for it in page.items}
    for key, t in truth.items():
        boxes = items[key].boxes
        if t.style == "double":
            for i in t.inked:
                draw_mark(pen_mask, boxes[i], str(rng.choice(("tick", "cross"))), px, rng)
        elif t.style == "correction":
            first, final = t.inked[1], t.inked[0]
            draw_mark(pen_mask, boxes[first], "cross", px, rng)
            draw_mark(pen_mask, boxes[first], "scribble", px, rng)
            draw_mark(pen_mask, boxes[final], str(rng.choice(("tick", "cross"))), px, rng)
        elif t.style == "faint":
            draw_mark(pencil_mask, boxes[t.inked[0]], str(rng.choice(("tick", "cross"))), px, rng)
        elif t.style == "stray":
            draw_mark(pen_mask, boxes[t.inked[0]], "stray", px, rng)
        elif t.style != "blank":
            draw_mark(pen_mask, boxes[t.inked[0]], t.style, px, rng)
    if comment and page.comment is not None:
        r = page.comment
        for line in range(int(rng.integers(1, 4))):
            y = (r.y + 6 + line * 7) * px
            xs = np.linspace((r.x + 5) * px, (r.x + rng.uniform(60, r.w - 10)) * px, 60)
            ys = y + 1.2 * px * np.sin(xs / (1.3 * px)) + rng.normal(0, 0.3 * px, xs.size)
            _stroke(pen_mask, list(zip(xs, ys, strict=True)), 0.45 * px)
    out = image.copy()
    for mask, ink in ((pen_mask, rng.uniform(20, 70)), (pencil_mask, rng.uniform(150, 200))):
        points = cv2.findNonZero(mask)  # marks cover a tiny part of the page: blend only there
        if points is None:
            continue
        points = points.reshape(-1, 2)
        ix, iy = points[:, 0], points[:, 1]
        alpha = mask[iy, ix].astype(np.float32) / 255
        old = out[iy, ix].astype(np.float32)
        new = np.minimum(old, ink)
        out[iy, ix] = np.clip(old * (1 - alpha) + new * alpha, 0, 255).astype(np.uint8)
    return out


def degrade(image: np.ndarray, rng: np.random.Generator, profile: str = "scan") -> np.ndarray:
    """Degrade like a sheet-fed scanner (``scan``) or a phone photo (``phone``); ``clean`` skips."""
    if profile == "clean":
        return image
    h, w = image.shape
    angle = rng.uniform(-5, 5)
    if profile == "phone":
        margin = 0.08
        out_w, out_h = int(w * (1 + 2 * margin)), int(h * (1 + 2 * margin))
        jitter = 0.035
        background = float(rng.uniform(60, 140))
    else:
        # The scanner's glass is a little larger than the sheet; its lid is white-ish.
        margin, jitter = 0.04, 0.006
        out_w, out_h = int(w * (1 + 2 * margin)), int(h * (1 + 2 * margin))
        background = float(rng.uniform(215, 255))
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    center = np.array([out_w / 2, out_h / 2])
    theta = np.deg2rad(angle)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    scale = rng.uniform(0.94, 1.0) if profile == "scan" else rng.uniform(0.85, 0.95)
    dst = []
    for x, y in src:
        v = (np.array([x - w / 2, y - h / 2]) * scale) @ rot.T + center
        v += rng.uniform(-jitter, jitter, 2) * np.array([w, h])
        dst.append(v)
    matrix = cv2.getPerspectiveTransform(src, np.array(dst, dtype=np.float32))
    out = cv2.warpPerspective(
        image, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=background
    )
    # Uneven lighting: a gradient across the page and, for photos, a soft shadow; computed
    # on a coarse grid and enlarged, as light varies slowly. All in 8 bits, for speed.
    gh, gw = max(2, out_h // 16), max(2, out_w // 16)
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    gx, gy = rng.uniform(-0.25, 0.25, 2)
    light: Any = 1.0 + gx * (xx / gw - 0.5) + gy * (yy / gh - 0.5)
    if profile == "phone" or rng.random() < 0.3:
        sx, sy = rng.uniform(0, gw), rng.uniform(0, gh)
        sigma = rng.uniform(0.15, 0.35) * gw
        depth = rng.uniform(0.15, 0.4)
        light -= depth * np.exp(-((xx - sx) ** 2 + (yy - sy) ** 2) / (2 * sigma**2))
    light8 = (np.clip(light, 0.45, 1.2) * 128).astype(np.uint8)
    light8 = cv2.resize(light8, (out_w, out_h), interpolation=cv2.INTER_LINEAR)
    out = cv2.multiply(out, light8, scale=1 / 128)
    sigma_blur = rng.uniform(0.0, 1.3 if profile == "phone" else 0.8)
    if sigma_blur > 0.2:
        out = cv2.GaussianBlur(out, (0, 0), sigma_blur)
    noise = np.empty(out.shape, dtype=np.int16)
    cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))  # reproducible from the caller's seed
    cv2.randn(noise, 0, float(rng.uniform(1, 9)))  # type: ignore[call-overload]
    out8 = np.clip(cv2.add(out, noise, dtype=cv2.CV_16S), 0, 255).astype(np.uint8)
    quality = int(rng.integers(35, 90))
    ok, data = cv2.imencode(".jpg", out8, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    decoded: Any = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return decoded


class Corpus:
    """Render ballots once per (questionnaire, dpi) and stamp out marked, degraded pages."""

    def __init__(self, spec: QuestionnaireSpec, *, copies: int = 1) -> None:
        self.spec = spec
        self.layout: BallotLayout = build_layout(spec)
        serials = (
            f"AAAA{n:08d}".translate(str.maketrans("0189", "QRST")) for n in itertools.count(1)
        )
        self.pdf = render_ballots_pdf(
            box=box_spec(spec), copies=copies, serial=lambda: next(serials)
        )
        self._renders: dict[float, list[np.ndarray]] = {}
        self._sheets: list[SheetId] | None = None

    def blank_images(self, dpi: float) -> list[np.ndarray]:
        """Return the unmarked pages rendered at ``dpi`` (cached)."""
        if dpi not in self._renders:
            self._renders[dpi] = render_images(self.pdf, dpi)
        return self._renders[dpi]

    def sheets(self) -> list[SheetId]:
        """Return the SheetId printed on every page, in PDF order."""
        if self._sheets is None:
            import zxingcpp

            self._sheets = [
                parse_sheet_id(zxingcpp.read_barcodes(img)[0].text)
                for img in self.blank_images(150)
            ]
        return self._sheets

    def page(
        self,
        index: int,
        rng: np.random.Generator,
        *,
        dpi: float = 200,
        profile: str = "scan",
        styles: tuple[str, ...] = ALL_STYLES,
        weights: tuple[float, ...] | None = None,
        comment: bool | None = None,
    ) -> SynthPage:
        """Return page ``index`` of the PDF, marked at random and degraded."""
        sheet = self.sheets()[index]
        layout_page = self.layout.page(sheet.page)
        truth = plan_page(layout_page, rng, styles=styles, weights=weights)
        write_comment = bool(rng.random() < 0.3) if comment is None else comment
        inked = ink_page(
            self.blank_images(dpi)[index], layout_page, truth, dpi, rng, comment=write_comment
        )
        image = degrade(inked, rng, profile)
        blank = all(t.style == "blank" for t in truth.values()) and not (
            write_comment and layout_page.comment is not None
        )
        return SynthPage(image, sheet, truth, write_comment, profile, blank)


@dataclass
class Score:
    """Outcome counts over many items."""

    clear: int = 0
    clear_read: int = 0  # clear items read as drawn without review
    flagged: int = 0
    silent_errors: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, key: str, truth: Truth, reading: ItemReading) -> None:
        """Score one item reading against its truth."""
        if truth.clear:
            self.clear += 1
        if reading.status == "ambiguous":
            self.flagged += 1
            return
        expected_status = "marked" if truth.style in CLEAR_STYLES else "empty"
        if truth.style in ("blank", "stray"):
            right = reading.status == "empty"
        elif truth.style in ("double",):
            right = False  # two marks must always go to a human
        else:
            right = reading.status == "marked" and reading.option_index == truth.option
        if right and truth.clear:
            self.clear_read += 1
        if not right:
            self.silent_errors += 1
            self.errors.append(
                f"{key}: drew {truth.style} {truth.inked}, read {reading.status} "
                f"{reading.option_index} fills={reading.fills} (expected {expected_status})"
            )
