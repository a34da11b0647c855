"""Read one scanned or photographed ballot page.

Steps: find the four ArUco corner markers (three are enough), fit a homography from
page millimetres to image pixels, read the QR at its fixed place, get the page's layout
from the caller, resample the page to a canonical raster, and measure every checkbox.

Each box is measured against the paper brightness around it (so shadows and uneven
lighting do not look like ink): ``dark`` is the share of clearly inked pixels inside the
box (the printed border and a registration margin excluded), ``faint`` the share of
pixels that are merely darker than paper (pencil), ``ring`` the share of inked pixels in
a band just outside the box (circles, marks beside the box). An item is ``marked`` only
when exactly one box is clearly marked and every other box is clearly empty; everything
in between is ``ambiguous`` with a reason, for a human to decide. Nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

from phieukin.paper.layout import (
    MARKER_IDS,
    PAGE_H,
    PAGE_W,
    QR_SEARCH,
    BallotLayout,
    ItemLayout,
    PageLayout,
    Rect,
    marker_rects,
)
from phieukin.paper.omr.types import (
    ItemReading,
    PageReading,
    PageRefused,
    SheetId,
    parse_sheet_id,
)

SCALE = 6.0  # canonical raster, pixels per millimetre (~152 dpi)
QR_SCALE = 10.0
DETECT_LONG_SIDE = 1000  # markers are looked for on a reduced copy first
CORNER_SHARE = 0.3  # ... and first in its corners: markers sit within 7–19 mm of the edges
MIN_PX_PER_MM = 4.7  # ~120 dpi: below this the boxes are too small to judge reliably

# Pixel classes, relative to the local paper brightness.
INK = 0.55  # darker than 55 % of paper: ink
FAINT = 0.88  # darker than 88 % of paper: a trace (used for the printed border)
TRACE = 0.92  # after a 1-pixel blur, darker than 92 % of paper: a light pencil stroke

# Box thresholds (shares of the measured interior).
INSET_DARK_MM = 0.5  # half the printed border (0.3 mm) + blur, after local registration
INSET_FAINT_MM = 0.8  # the blurred halo of the border must not look like pencil
SEARCH_MM = 1.2  # how far a row's boxes may sit from where the homography puts them
LINE = 0.7  # printed lines are at least this much darker than paper
FILLED_DARK = 0.10
EMPTY_DARK = 0.025
EMPTY_FAINT = 0.05  # empty boxes measured ≤ 0.026, the lightest pencil ≥ 0.095
BLACKED_OUT = 0.55  # a box this dark looks scribbled over (a correction)
RING_IN_MM = 0.5
RING_OUT_MM = 2.6
RING_EMPTY = 0.035
RING_CIRCLE = 0.07
CIRCLE_SECTORS = 6  # of 8 sectors of the ring holding ink
BORDER_PRESENT = 0.6  # share of a side's length where the printed border is seen
COMMENT_INK = 0.003

_detectors: dict[float, cv2.aruco.ArucoDetector] = {}


def _detector(min_perimeter: float) -> cv2.aruco.ArucoDetector:
    if min_perimeter not in _detectors:
        dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
        params = cv2.aruco.DetectorParameters()
        params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
        # Our markers are 12 mm on a 297 mm page: ignoring smaller squares (letters, the
        # checkboxes) makes detection several times faster on a page full of text.
        params.minMarkerPerimeterRate = min_perimeter
        _detectors[min_perimeter] = cv2.aruco.ArucoDetector(dictionary, params)
    return _detectors[min_perimeter]


def _to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        image = cv2.cvtColor(image, code)
    if image.dtype != np.uint8:
        raise PageRefused("unreadable", "dtype")
    return image


def _find_markers(gray: np.ndarray) -> dict[int, np.ndarray]:
    """Return marker id → its 4 corners (image pixels) for the ids we print.

    Looks on a reduced copy first (fast); falls back to full resolution and smaller
    markers (a photo where the page fills little of the frame) when that finds fewer
    than four.
    """
    small, factor = gray, 1.0
    while max(small.shape) > 1.5 * DETECT_LONG_SIDE:
        small, factor = cv2.pyrDown(small), factor / 2
    attempts = [(small, factor, 0.06)]
    if factor < 1.0:
        attempts.append((gray, 1.0, 0.03))
    else:
        attempts.append((gray, 1.0, 0.02))
    # Fastest first: the four corners of the reduced copy, where the markers of a scanned
    # page are (a third of the pixels); then the whole reduced copy; then full resolution.
    h, w = small.shape
    ch, cw = int(h * CORNER_SHARE), int(w * CORNER_SHARE)
    corners_only = [
        (small[:ch, :cw], 0, 0),
        (small[:ch, w - cw :], w - cw, 0),
        (small[h - ch :, w - cw :], w - cw, h - ch),
        (small[h - ch :, :cw], 0, h - ch),
    ]
    best: dict[int, np.ndarray] = {}
    found: dict[int, np.ndarray] = {}
    for crop, ox, oy in corners_only:
        _collect(found, crop, factor, 0.06 * max(h, w) / max(crop.shape), ox, oy)
    if len(found) == 4:
        return found
    best = found
    for image, f, min_perimeter in attempts:
        found = {}
        _collect(found, image, f, min_perimeter, 0, 0)
        if len(found) > len(best):
            best = found
        if len(best) == 4:
            break
    return best


def _collect(
    found: dict[int, np.ndarray],
    image: np.ndarray,
    factor: float,
    min_perimeter: float,
    ox: int,
    oy: int,
) -> None:
    """Detect markers in ``image`` (offset ox/oy in a copy scaled by ``factor``) into found."""
    corners, ids, _rejected = _detector(round(min_perimeter, 3)).detectMarkers(image)
    if ids is None:
        return
    for quad, marker_id in zip(corners, ids.ravel(), strict=True):
        mid = int(marker_id)
        if mid not in MARKER_IDS:
            continue
        pts = (quad.reshape(4, 2).astype(np.float64) + np.array([ox, oy])) / factor
        area = cv2.contourArea(pts.astype(np.float32))
        if mid not in found or area > cv2.contourArea(found[mid].astype(np.float32)):
            found[mid] = pts


def _homography(markers: dict[int, np.ndarray]) -> tuple[np.ndarray, float]:
    """Fit page mm → image px from marker corners; return it and the RMS error in mm."""
    rects = marker_rects()
    src, dst = [], []
    for mid, pts in markers.items():
        r = rects[MARKER_IDS.index(mid)]
        src += [(r.x, r.y), (r.x + r.w, r.y), (r.x + r.w, r.y + r.h), (r.x, r.y + r.h)]
        dst += [tuple(p) for p in pts]
    src_a = np.array(src, dtype=np.float64)
    dst_a = np.array(dst, dtype=np.float64)
    matrix, _mask = cv2.findHomography(src_a, dst_a, 0)
    if matrix is None:
        raise PageRefused("no_markers", "singular")
    projected = cv2.perspectiveTransform(src_a.reshape(-1, 1, 2), matrix).reshape(-1, 2)
    scale = _px_per_mm(matrix)
    error = float(np.sqrt(np.mean(np.sum((projected - dst_a) ** 2, axis=1)))) / scale
    return matrix, error


def _px_per_mm(matrix: np.ndarray) -> float:
    corners = np.array([[0, 0], [PAGE_W, 0], [PAGE_W, PAGE_H], [0, PAGE_H]], dtype=np.float64)
    quad = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), matrix).reshape(-1, 2)
    area = abs(cv2.contourArea(quad.astype(np.float32)))
    return float(np.sqrt(area / (PAGE_W * PAGE_H)))


def _warp(gray: np.ndarray, matrix: np.ndarray, region: Rect, scale: float) -> np.ndarray:
    """Resample ``region`` (page mm) of the image at ``scale`` px/mm."""
    to_region = np.array(
        [[1 / scale, 0, region.x], [0, 1 / scale, region.y], [0, 0, 1]], dtype=np.float64
    )
    size = (round(region.w * scale), round(region.h * scale))
    return cv2.warpPerspective(
        gray,
        matrix @ to_region,
        size,
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )


def _decode_qr(image: np.ndarray) -> list[str]:
    results = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    return [r.text for r in results if r.valid]


def _read_sheet(gray: np.ndarray, matrix: np.ndarray) -> SheetId:
    texts = _decode_qr(_warp(gray, matrix, QR_SEARCH, QR_SCALE))
    if not texts:
        texts = _decode_qr(gray)
    if not texts:
        raise PageRefused("no_qr")
    sheets = {parse_sheet_id(t) for t in texts if t.startswith("PK1|")}
    if not sheets:
        raise PageRefused("bad_qr", texts[0][:80])
    if len(sheets) > 1:
        raise PageRefused("bad_qr", "several ballot codes on one image")
    return sheets.pop()


@dataclass(frozen=True)
class BoxMeasure:
    """What was measured for one checkbox (shares of pixels, 0–1)."""

    dark: float
    faint: float
    ring: float
    sectors: int
    border: float


def _paper(patch: np.ndarray) -> float:
    """Return the brightness of the paper around a spot: the 90th percentile of a subsample."""
    sample = patch[::3, ::3].ravel()
    if sample.size == 0:
        return 0.0
    k = int(sample.size * 0.9)
    return float(np.partition(sample, k)[k])


def _px(v: float) -> int:
    return round(v * SCALE)


def _row_offset(page: np.ndarray, item: ItemLayout) -> tuple[int, int, bool]:
    """Find the printed boxes of a row near where the homography puts them.

    Returns the (dx, dy) pixel shift that puts the expected box edges on the printed
    lines, and whether the lines were found at all: a bent page or a slightly wrong
    homography moves boxes by up to a millimetre, which matters for 5 mm boxes.
    """
    search = _px(SEARCH_MM)
    xs0 = np.array([_px(b.x) for b in item.boxes])
    xs1 = np.array([_px(b.x + b.w) for b in item.boxes])
    ys0 = np.array([_px(b.y) for b in item.boxes])
    ys1 = np.array([_px(b.y + b.h) for b in item.boxes])
    x0, x1 = int(xs0.min()) - 2 * search, int(xs1.max()) + 2 * search
    y0, y1 = int(ys0.min()) - 2 * search, int(ys1.max()) + 2 * search
    strip = page[y0:y1, x0:x1]
    if strip.size == 0:
        return 0, 0, False
    paper = _paper(strip)
    dark = (strip < paper * LINE).astype(np.float32)
    mid_rows = dark[_px(1.0) + (int(ys0.min()) - y0) : (int(ys1.max()) - y0) - _px(1.0)]
    mid_cols = np.zeros(dark.shape[1], dtype=bool)
    for a, b in zip(xs0, xs1, strict=True):
        mid_cols[a - x0 + _px(1.0) : b - x0 - _px(1.0)] = True
    col_profile = np.convolve(mid_rows.sum(axis=0), [0.5, 1, 0.5], mode="same")
    row_profile = np.convolve(dark[:, mid_cols].sum(axis=1), [0.5, 1, 0.5], mode="same")
    shifts = np.arange(-search, search + 1)
    col_scores = [col_profile[xs0 - x0 + d].sum() + col_profile[xs1 - x0 + d].sum() for d in shifts]
    top, bottom = int(ys0[0]) - y0, int(ys1[0]) - y0  # the boxes of a row share their y
    row_scores = [row_profile[top + d] + row_profile[bottom + d] for d in shifts]
    dx = int(shifts[int(np.argmax(col_scores))])
    dy = int(shifts[int(np.argmax(row_scores))])
    # A found border is dark along most of each box edge. After the [0.5, 1, 0.5]
    # smoothing a printed line one pixel wide peaks at its length, two pixels wide at 1.5
    # times it; 1.5 × BORDER_PRESENT accepts both and rejects a page with no boxes there.
    expected_cols = 2 * len(item.boxes) * mid_rows.shape[0] * 1.5
    expected_rows = 2 * int(mid_cols.sum()) * 1.5
    found = (
        max(col_scores) >= BORDER_PRESENT * expected_cols
        and max(row_scores) >= BORDER_PRESENT * expected_rows
    )
    return dx, dy, found


def _measure_box(page: np.ndarray, box: Rect, row: Rect, dx: int, dy: int) -> BoxMeasure:
    bx0, by0 = _px(box.x) + dx, _px(box.y) + dy
    bx1, by1 = _px(box.x + box.w) + dx, _px(box.y + box.h) + dy
    pad = _px(RING_OUT_MM) + 2
    y0, x0 = by0 - pad, bx0 - pad
    patch = page[max(0, y0) : by1 + pad, max(0, x0) : bx1 + pad]
    if y0 < 0 or x0 < 0 or patch.shape != (by1 - by0 + 2 * pad, bx1 - bx0 + 2 * pad):
        return BoxMeasure(1.0, 1.0, 1.0, 8, 0.0)
    paper = _paper(patch)
    if paper < 40:  # nothing to compare ink with: a black or missing area
        return BoxMeasure(1.0, 1.0, 1.0, 8, 0.0)
    norm = patch.astype(np.float32) / paper
    bw, bh = bx1 - bx0, by1 - by0
    i_d, i_f = _px(INSET_DARK_MM), _px(INSET_FAINT_MM)
    inner = norm[pad + i_d : pad + bh - i_d, pad + i_d : pad + bw - i_d]
    inner_f = norm[pad + i_f : pad + bh - i_f, pad + i_f : pad + bw - i_f]
    dark = float(np.mean(inner < INK)) if inner.size else 1.0
    # Light pencil: blurring by one pixel averages scanner noise away but keeps a stroke,
    # so a low threshold finds strokes barely darker than paper without noise alarms.
    blurred = cv2.GaussianBlur(inner_f, (0, 0), 1.0) if inner_f.size else None
    faint = float(np.mean(blurred < TRACE)) if blurred is not None else 1.0

    ink = norm < INK
    r_in, r_out = _px(RING_IN_MM), _px(RING_OUT_MM)
    ring_mask = np.zeros(ink.shape, dtype=bool)
    ring_mask[pad - r_out : pad + bh + r_out, pad - r_out : pad + bw + r_out] = True
    ring_mask[pad - r_in : pad + bh + r_in, pad - r_in : pad + bw + r_in] = False
    # Only this item's row: a circle drawn around a box of the next row is not ours.
    top = _px(row.y) + dy - y0
    bottom = _px(row.y + row.h) + dy - y0
    ring_mask[: max(0, top)] = False
    ring_mask[max(0, bottom) :] = False
    ring_count = int(ring_mask.sum())
    ring_ink = ink & ring_mask
    ring = float(ring_ink.sum()) / ring_count if ring_count else 0.0
    # Which of 8 sectors around the box hold ink: a drawn circle covers nearly all of
    # them, a stroke that strays out of a box only one or two.
    sectors = 0
    if ring > 0:
        yy, xx = np.nonzero(ring_ink)
        angles = np.arctan2(yy - (pad + bh / 2), xx - (pad + bw / 2))
        bins = ((angles + np.pi) / (2 * np.pi) * 8).astype(int) % 8
        counts = np.bincount(bins, minlength=8)
        sectors = int(np.sum(counts >= 3))

    # The printed border: along each side, the darkest pixel across a band around it.
    band = _px(0.4) + 1
    sides = [
        norm[pad - band : pad + band, pad : pad + bw].min(axis=0),
        norm[pad + bh - band : pad + bh + band, pad : pad + bw].min(axis=0),
        norm[pad : pad + bh, pad - band : pad + band].min(axis=1),
        norm[pad : pad + bh, pad + bw - band : pad + bw + band].min(axis=1),
    ]
    border = float(min(np.mean(side < FAINT) for side in sides))
    return BoxMeasure(dark, faint, ring, sectors, border)


def _box_state(m: BoxMeasure) -> tuple[str, str]:
    """Classify one box: (``filled``|``circled``|``empty``|``unsure``, reason)."""
    if m.border < BORDER_PRESENT:
        return "unsure", "box_not_found"
    if m.dark >= FILLED_DARK:
        return "filled", ""
    if m.ring >= RING_CIRCLE and m.sectors >= CIRCLE_SECTORS and m.dark < EMPTY_DARK * 2:
        return "circled", ""
    if m.dark < EMPTY_DARK and m.faint < EMPTY_FAINT and m.ring < RING_EMPTY:
        return "empty", ""
    if m.dark < EMPTY_DARK and m.faint < EMPTY_FAINT:
        return "unsure", "mark_outside_box"
    return "unsure", "faint_mark"


def classify(item_key: str, measures: list[BoxMeasure]) -> ItemReading:
    """Decide an item from its boxes: one clear mark, no mark, or ambiguous with a reason."""
    states = [_box_state(m) for m in measures]
    fills = tuple(round(m.dark, 3) for m in measures)
    marked = [i for i, (s, _r) in enumerate(states) if s in ("filled", "circled")]
    unsure = [r for s, r in states if s == "unsure"]
    if not unsure and len(marked) == 1:
        return ItemReading(item_key, "marked", marked[0], fills)
    if not unsure and not marked:
        return ItemReading(item_key, "empty", None, fills)
    if len(marked) >= 2:
        blacked = [i for i in marked if measures[i].dark >= BLACKED_OUT]
        reason = "correction" if blacked and len(blacked) < len(marked) else "several_marks"
        return ItemReading(item_key, "ambiguous", None, fills, reason)
    return ItemReading(item_key, "ambiguous", None, fills, unsure[0])


def _crop(page: np.ndarray, rect: Rect) -> np.ndarray:
    return page[_px(rect.y) : _px(rect.y + rect.h), _px(rect.x) : _px(rect.x + rect.w)].copy()


def _comment_ink(crop: np.ndarray) -> bool:
    inset = _px(1.5)
    inner = crop[inset:-inset, inset:-inset]
    if inner.size == 0:
        return False
    small = cv2.resize(inner, None, fx=1 / 3, fy=1 / 3, interpolation=cv2.INTER_AREA)
    paper = float(np.percentile(small, 90))
    if paper < 40:
        return True
    return float(np.mean(small < paper * INK)) > COMMENT_INK


def read_page(image: np.ndarray, layout_for: Callable[[SheetId], BallotLayout]) -> PageReading:
    """Read one page image (BGR or grayscale uint8).

    ``layout_for`` returns the layout of the sheet the QR names (raise ``KeyError`` or
    ``LookupError`` when unknown). Raises :class:`PageRefused` when the page cannot be
    read at all; otherwise every item is ``marked``, ``empty`` or ``ambiguous``.
    """
    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3) or min(image.shape[:2]) < 50:
        raise PageRefused("unreadable", "not an image")
    gray = _to_gray(image)
    markers = _find_markers(gray)
    if len(markers) < 3:
        raise PageRefused("no_markers", f"{len(markers)} found")
    problems: list[str] = []
    if len(markers) == 3:
        problems.append("three_markers")
    matrix, error = _homography(markers)
    if _px_per_mm(matrix) < MIN_PX_PER_MM:
        raise PageRefused("too_small")
    if error > 0.8:
        raise PageRefused("no_markers", f"markers inconsistent ({error:.1f} mm)")
    if error > 0.35:
        problems.append("page_distorted")
    sheet = _read_sheet(gray, matrix)
    try:
        layout = layout_for(sheet)
        page_layout: PageLayout = layout.page(sheet.page)
    except LookupError as exc:
        raise PageRefused("unknown_sheet", sheet.payload()) from exc
    if layout.page_count != sheet.page_count or layout.fingerprint != sheet.layout:
        raise PageRefused("layout_mismatch", f"{sheet.layout} != {layout.fingerprint}")

    canon = _warp(gray, matrix, Rect(0, 0, PAGE_W, PAGE_H), SCALE)
    items = [_read_item(canon, item) for item in page_layout.items]
    crops = {item.key: _crop(canon, item.row) for item in page_layout.items}
    comment_crop = _crop(canon, page_layout.comment) if page_layout.comment else None
    comment_ink = comment_crop is not None and _comment_ink(comment_crop)
    not_found = sum(1 for r in items if r.reason == "box_not_found")
    if items and not_found > len(items) // 2:
        problems.append("layout_mismatch")
    blank = all(r.status == "empty" for r in items) and not comment_ink
    return PageReading(
        sheet=sheet,
        items=items,
        comment_crop=comment_crop,
        item_crops=crops,
        blank=blank,
        problems=problems,
        comment_has_ink=comment_ink,
    )


def _read_item(canon: np.ndarray, item: ItemLayout) -> ItemReading:
    dx, dy, found = _row_offset(canon, item)
    if not found:
        fills = tuple(1.0 for _b in item.boxes)
        return ItemReading(item.key, "ambiguous", None, fills, "box_not_found")
    return classify(item.key, [_measure_box(canon, box, item.row, dx, dy) for box in item.boxes])
