"""Marks as respondents make them, drawn on a rendered ballot page.

Nothing here knows how the reader decides: widths, darkness, sizes and positions are drawn
at random from ranges describing pens and pencils (a ballpoint line is 0.25–0.7 mm wide
and 60–92 % dark; a pencil stroke is grainy and 12–55 % dark), and each style says only
what a careful person would conclude from the paper (see :data:`STYLES`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from phieukin.paper.layout import Rect

# What a reader may do with each style of mark, judged by a person looking at the paper:
#   "read"   — the respondent's choice is plain: it must be read without asking anyone;
#   "either" — read it as the truth says, or send it to a person; never anything else;
#   "review" — only a person may decide (two marks): it must go to review.
STYLES: dict[str, str] = {
    "blank": "read",
    "tick": "read",
    "cross": "read",
    "fill": "read",
    "circle": "read",
    "pencil_tick": "read",
    "pencil_cross": "read",
    "ballpoint": "read",
    "light_pencil": "either",
    "very_light": "either",
    "dot": "either",
    "dash": "either",
    "spill": "either",
    "erased": "either",
    "erased_new": "either",
    "correction": "either",
    "stray": "either",
    "smudge": "either",
    "double": "review",
}
CLEAR_STYLES = tuple(s for s, rule in STYLES.items() if rule == "read" and s != "blank")
# What a person may be asked about: every style not plainly read.
DOUBTFUL_STYLES = tuple(s for s, rule in STYLES.items() if rule != "read")

# Darkness ranges (share of light absorbed) of the instruments.
PEN = (0.6, 0.92)
PENCIL = (0.28, 0.55)
LIGHT_PENCIL = (0.2, 0.3)
VERY_LIGHT_PENCIL = (0.12, 0.2)
BALLPOINT = (0.45, 0.85)  # a cheap ballpoint: thin, uneven pressure, the ink skips


@dataclass(frozen=True)
class Instrument:
    """A pen or a pencil: stroke width (mm), darkness (0–1), and whether it is grainy."""

    width: float
    darkness: float
    grainy: bool

    @classmethod
    def pen(cls, rng: np.random.Generator) -> Instrument:
        """Return a ballpoint or felt pen."""
        return cls(float(rng.uniform(0.25, 0.7)), float(rng.uniform(*PEN)), False)

    @classmethod
    def pencil(cls, rng: np.random.Generator, darkness: tuple[float, float] = PENCIL) -> Instrument:
        """Return a pencil of the given darkness range."""
        return cls(float(rng.uniform(0.3, 0.8)), float(rng.uniform(*darkness)), True)


class Paper:
    """A grayscale page image (uint8) with its resolution, onto which marks are drawn."""

    def __init__(self, image: np.ndarray, dpi: float, rng: np.random.Generator) -> None:
        self.image = image
        self.px = dpi / 25.4
        self.rng = rng

    def _patch(self, pts: np.ndarray, margin: float) -> tuple[int, int, int, int]:
        h, w = self.image.shape
        x0 = max(0, int(np.floor(pts[:, 0].min() - margin)))
        y0 = max(0, int(np.floor(pts[:, 1].min() - margin)))
        x1 = min(w, int(np.ceil(pts[:, 0].max() + margin)) + 1)
        y1 = min(h, int(np.ceil(pts[:, 1].max() + margin)) + 1)
        return x0, y0, x1, y1

    def _apply(self, mask: np.ndarray, box: tuple[int, int, int, int], tool: Instrument) -> None:
        x0, y0, x1, y1 = box
        alpha: Any = mask.astype(np.float32) / 255
        if tool.grainy:
            grain = self.rng.uniform(0.6, 1.0, alpha.shape).astype(np.float32)
            alpha = cv2.GaussianBlur(alpha * grain, (0, 0), 0.6)
        else:
            alpha = alpha * self.rng.uniform(0.9, 1.0)
        region = self.image[y0:y1, x0:x1].astype(np.float32)
        self.image[y0:y1, x0:x1] = np.clip(region * (1 - tool.darkness * alpha), 0, 255).astype(
            np.uint8
        )

    def stroke(self, points_mm: list[tuple[float, float]], tool: Instrument) -> None:
        """Draw a polyline (points in page mm) with a little hand tremor."""
        pts = np.array(points_mm, dtype=np.float64) * self.px
        if len(pts) >= 2:  # resample and wobble: hands do not draw straight lines
            dense = []
            for a, b in itertools.pairwise(pts):
                n = max(2, int(np.hypot(*(b - a)) / (0.8 * self.px)))
                for t in np.linspace(0, 1, n, endpoint=False):
                    dense.append(a + (b - a) * t)
            dense.append(pts[-1])
            pts = np.array(dense)
            pts += self.rng.normal(0, 0.06 * self.px, pts.shape)
        width = max(1.0, tool.width * self.px)
        box = self._patch(pts, width + 2)
        x0, y0, x1, y1 = box
        if x1 <= x0 or y1 <= y0:
            return
        mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        local = np.round((pts - [x0, y0]) * 16).astype(np.int32)
        cv2.polylines(mask, [local], False, 255, max(1, round(width)), cv2.LINE_AA, 4)
        self._apply(mask, box, tool)

    def dot(self, centre_mm: tuple[float, float], diameter_mm: float, tool: Instrument) -> None:
        """Draw a filled dot."""
        c = np.array([centre_mm], dtype=np.float64) * self.px
        r = max(1.0, diameter_mm * self.px / 2)
        box = self._patch(c, r + 2)
        x0, y0, x1, y1 = box
        mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        centre = (round((c[0, 0] - x0) * 16), round((c[0, 1] - y0) * 16))
        cv2.circle(mask, centre, round(r * 16), 255, -1, cv2.LINE_AA, 4)
        self._apply(mask, box, tool)

    def smudge(self, rect_mm: Rect, depth: float) -> None:
        """Darken an area softly (what an eraser leaves of graphite)."""
        pts = np.array([[rect_mm.x, rect_mm.y], [rect_mm.x + rect_mm.w, rect_mm.y + rect_mm.h]])
        box = self._patch(pts * self.px, 0)
        x0, y0, x1, y1 = box
        flat = np.ones((y1 - y0, x1 - x0), dtype=np.float32)
        mask: Any = cv2.GaussianBlur(flat, (0, 0), 0.6 * self.px)
        region = self.image[y0:y1, x0:x1].astype(np.float32)
        self.image[y0:y1, x0:x1] = np.clip(region * (1 - depth * mask), 0, 255).astype(np.uint8)


def _j(rng: np.random.Generator, s: float = 0.08) -> float:
    return float(rng.uniform(-s, s))


def _at(box: Rect, u: float, v: float) -> tuple[float, float]:
    return (box.x + u * box.w, box.y + v * box.h)


def tick(paper: Paper, box: Rect, tool: Instrument, reach: Rect | None = None) -> None:
    """Draw a tick; with ``reach`` its long arm ends inside that (neighbouring) box."""
    rng = paper.rng
    k = float(rng.uniform(0.8, 1.5))  # from a small neat tick to one overshooting the box
    start = _at(box, 0.2 + _j(rng), 0.5 + _j(rng))
    low = _at(box, 0.42 + _j(rng), min(0.95, 0.5 + 0.32 * k) + _j(rng, 0.04))
    end = _at(box, 0.5 + 0.4 * k + _j(rng), 0.5 - 0.45 * k + _j(rng))
    if reach is not None:
        end = _at(reach, float(rng.uniform(0.15, 0.6)), float(rng.uniform(0.1, 0.6)))
    paper.stroke([start, low, end], tool)


def cross(paper: Paper, box: Rect, tool: Instrument) -> None:
    """Draw an X; its arms may stop short of the corners or run past them."""
    rng = paper.rng
    a = float(rng.uniform(-0.22, 0.25))
    paper.stroke(
        [_at(box, a + _j(rng), a + _j(rng)), _at(box, 1 - a + _j(rng), 1 - a + _j(rng))], tool
    )
    paper.stroke(
        [_at(box, 1 - a + _j(rng), a + _j(rng)), _at(box, a + _j(rng), 1 - a + _j(rng))], tool
    )


def fill(paper: Paper, box: Rect, tool: Instrument) -> None:
    """Scribble the box dark."""
    rng = paper.rng
    cover = float(rng.uniform(0.55, 0.95))
    lo, hi = (1 - cover) / 2, 1 - (1 - cover) / 2
    rows = int(rng.integers(5, 10))
    pts: list[tuple[float, float]] = []
    for r in range(rows + 1):
        v = lo + (hi - lo) * r / rows
        pts += [
            _at(box, lo + _j(rng, 0.03), v),
            _at(box, hi + _j(rng, 0.03), v + (hi - lo) / rows / 2),
        ]
    paper.stroke(pts, Instrument(max(tool.width, 0.6), tool.darkness, tool.grainy))


def circle(paper: Paper, box: Rect, tool: Instrument) -> None:
    """Draw a ring around the box (people overshoot or leave a small gap)."""
    rng = paper.rng
    cx, cy = _at(box, 0.5 + _j(rng, 0.08), 0.5 + _j(rng, 0.08))
    # A ring around the box, inside its column and row (radius 0.62–0.85 of the box width).
    rx = float(rng.uniform(0.62, 0.85)) * box.w
    ry = rx * float(rng.uniform(0.85, 1.0))
    start = float(rng.uniform(0, 360))
    span = float(rng.uniform(330, 400))
    angles = np.deg2rad(np.linspace(start, start + span, 40))
    pts = [
        (cx + rx * np.cos(t) * (1 + _j(rng, 0.05)), cy + ry * np.sin(t) * (1 + _j(rng, 0.05)))
        for t in angles
    ]
    paper.stroke(pts, tool)


def dot(paper: Paper, box: Rect, tool: Instrument) -> None:
    """Put a small dot somewhere inside the box."""
    rng = paper.rng
    centre = _at(box, float(rng.uniform(0.3, 0.7)), float(rng.uniform(0.3, 0.7)))
    paper.dot(centre, float(rng.uniform(0.5, 1.4)), tool)


def dash(paper: Paper, box: Rect, tool: Instrument) -> None:
    """Draw a short dash (1.2–3 mm) inside the box."""
    rng = paper.rng
    length = float(rng.uniform(1.2, min(3.0, box.w * 0.6)))
    angle = float(np.deg2rad(rng.uniform(-35, 35)))
    cx, cy = _at(box, float(rng.uniform(0.35, 0.65)), float(rng.uniform(0.35, 0.65)))
    dx, dy = np.cos(angle) * length / 2, np.sin(angle) * length / 2
    paper.stroke([(cx - dx, cy - dy), (cx + dx, cy + dy)], tool)


def stray(paper: Paper, box: Rect, tool: Instrument) -> None:
    """Draw a short stroke that comes from outside and touches the box edge."""
    rng = paper.rng
    paper.stroke(
        [_at(box, -0.7 + _j(rng), 0.1 + _j(rng)), _at(box, 0.1 + _j(rng, 0.05), 0.35 + _j(rng))],
        tool,
    )


def ballpoint(paper: Paper, box: Rect) -> None:
    """Draw a tick or a cross with a cheap ballpoint: a thin line that fades and skips.

    The stroke is cut into pieces of 0.6–2.5 mm separated by gaps of 0.1–0.4 mm where
    the ball ran dry, each piece pressed a little harder or lighter.
    """
    rng = paper.rng
    width = float(rng.uniform(0.18, 0.35))
    if rng.random() < 0.5:
        k = float(rng.uniform(0.8, 1.3))
        path = [
            _at(box, 0.2 + _j(rng), 0.5 + _j(rng)),
            _at(box, 0.42 + _j(rng), min(0.95, 0.5 + 0.32 * k) + _j(rng, 0.04)),
            _at(box, 0.5 + 0.4 * k + _j(rng), 0.5 - 0.45 * k + _j(rng)),
        ]
        strokes = [path]
    else:
        a = float(rng.uniform(-0.15, 0.2))
        strokes = [
            [_at(box, a + _j(rng), a + _j(rng)), _at(box, 1 - a + _j(rng), 1 - a + _j(rng))],
            [_at(box, 1 - a + _j(rng), a + _j(rng)), _at(box, a + _j(rng), 1 - a + _j(rng))],
        ]
    for path in strokes:
        for piece in _pieces(path, rng):
            darkness = float(rng.uniform(*BALLPOINT))
            paper.stroke(piece, Instrument(width, darkness, False))


def _pieces(
    path: list[tuple[float, float]], rng: np.random.Generator
) -> list[list[tuple[float, float]]]:
    """Cut a polyline (mm) into dashes with small gaps, as a skipping pen draws it."""
    pts = np.array(path, dtype=np.float64)
    seg = np.hypot(*np.diff(pts, axis=0).T)
    total = float(seg.sum())
    cum = np.concatenate([[0.0], np.cumsum(seg)])

    def at(t: float) -> tuple[float, float]:
        i = min(int(np.searchsorted(cum, t, side="right")) - 1, len(seg) - 1)
        u = (t - cum[i]) / max(seg[i], 1e-9)
        p = pts[i] + (pts[i + 1] - pts[i]) * u
        return float(p[0]), float(p[1])

    pieces, t = [], 0.0
    while t < total:
        end = min(total, t + float(rng.uniform(0.6, 2.5)))
        inner = [float(c) for c in cum[1:-1] if t < c < end]
        pieces.append([at(t), *(at(c) for c in inner), at(end)])
        t = end + float(rng.uniform(0.1, 0.4))
    return pieces


def smudge(paper: Paper, box: Rect) -> None:
    """Leave a grey smear of graphite from a dirty finger or a sleeve over part of a box.

    No answer was meant; a person sees a grey patch, not a tick or a cross.
    """
    rng = paper.rng
    w, h = box.w * float(rng.uniform(0.5, 1.4)), box.h * float(rng.uniform(0.4, 1.2))
    x = box.x + box.w * float(rng.uniform(-0.4, 0.6))
    y = box.y + box.h * float(rng.uniform(-0.3, 0.6))
    paper.smudge(Rect(x, y, w, h), float(rng.uniform(0.04, 0.14)))


def erase(paper: Paper, box: Rect) -> None:
    """Draw a pencil mark and rub it out: a faint smear and ghost strokes remain."""
    rng = paper.rng
    residue = Instrument.pencil(rng, (0.04, 0.12))
    (tick if rng.random() < 0.5 else cross)(paper, box, residue)
    grow = float(rng.uniform(0.0, 0.25))
    area = Rect(
        box.x - grow * box.w, box.y - grow * box.h, box.w * (1 + 2 * grow), box.h * (1 + 2 * grow)
    )
    paper.smudge(area, float(rng.uniform(0.02, 0.06)))


def any_clear(paper: Paper, box: Rect, tool: Instrument) -> None:
    """Draw a tick or a cross, the two commonest marks."""
    (tick if paper.rng.random() < 0.5 else cross)(paper, box, tool)


def draw_style(paper: Paper, style: str, boxes: tuple[Rect, ...], inked: tuple[int, ...]) -> None:
    """Draw one item's marks of ``style`` on the boxes ``inked`` (first = the first drawn)."""
    rng = paper.rng
    pen_or_pencil = Instrument.pen(rng) if rng.random() < 0.75 else Instrument.pencil(rng)
    if style == "blank":
        return
    first = boxes[inked[0]]
    if style in ("tick", "cross"):
        (tick if style == "tick" else cross)(paper, first, Instrument.pen(rng))
    elif style == "fill":
        fill(paper, first, Instrument.pen(rng))
    elif style == "circle":
        circle(paper, first, pen_or_pencil)
    elif style == "ballpoint":
        ballpoint(paper, first)
    elif style == "smudge":
        smudge(paper, first)
    elif style in ("pencil_tick", "pencil_cross"):
        (tick if style == "pencil_tick" else cross)(paper, first, Instrument.pencil(rng))
    elif style == "light_pencil":
        any_clear(paper, first, Instrument.pencil(rng, LIGHT_PENCIL))
    elif style == "very_light":
        any_clear(paper, first, Instrument.pencil(rng, VERY_LIGHT_PENCIL))
    elif style == "dot":
        dot(paper, first, pen_or_pencil)
    elif style == "dash":
        dash(paper, first, pen_or_pencil)
    elif style == "spill":
        # A tick or cross in the chosen box whose stroke runs on into the next box.
        tool = pen_or_pencil
        if rng.random() < 0.6:
            tick(paper, first, tool, reach=boxes[inked[1]])
        else:
            cross(paper, first, tool)
            other = boxes[inked[1]]
            edge = 0.0 if other.x > first.x else 1.0
            paper.stroke(
                [
                    _at(first, 0.6, 0.5),
                    _at(other, edge + (0.3 if edge == 0 else -0.3), float(rng.uniform(0.3, 0.7))),
                ],
                tool,
            )
    elif style == "erased":
        erase(paper, first)
    elif style == "erased_new":
        erase(paper, first)
        any_clear(paper, boxes[inked[1]], pen_or_pencil)
    elif style == "correction":
        cross(paper, first, Instrument.pen(rng))
        fill(paper, first, Instrument.pen(rng))
        any_clear(paper, boxes[inked[1]], Instrument.pen(rng))
    elif style == "stray":
        stray(paper, first, Instrument.pen(rng))
    elif style == "double":
        any_clear(paper, first, pen_or_pencil)
        any_clear(paper, boxes[inked[1]], pen_or_pencil)
    else:
        raise ValueError(style)


def comment(paper: Paper, area: Rect) -> None:
    """Write a few wavy lines of handwriting into the comment area."""
    rng = paper.rng
    tool = Instrument.pen(rng)
    for line in range(int(rng.integers(1, 4))):
        y = area.y + 6 + line * 7
        xs = np.linspace(area.x + 5, area.x + float(rng.uniform(60, area.w - 10)), 60)
        ys = y + 1.2 * np.sin(xs / 1.3) + rng.normal(0, 0.3, xs.size)
        paper.stroke(list(zip(xs.tolist(), ys.tolist(), strict=True)), tool)
