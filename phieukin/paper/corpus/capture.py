"""How a marked sheet reaches the product: scanners, phones, and what happens to paper.

Each profile returns the captured image and, for pages that no reader can be trusted
with, the refusal a careful operator expects (a 1-bit scan, a dog-ear over the QR ...).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from phieukin.paper.layout import PAGE_H, PAGE_W, QR_RECT

# Page styles: how the sheet was treated and captured.
PROFILES = (
    "scan",  # sheet-fed scanner, greyscale at 150, 200 or 300 dpi
    "phone",  # phone photo at an angle, uneven light, the page ~60 % of the frame
    "showthrough",  # thin paper: the other side's print shows through
    "fold",  # folded in two or three: creases across the page
    "dogear",  # a corner folded over
    "upside_down",  # fed the wrong way round
    "sideways",  # scanned or photographed a quarter turn round
    "skewed",  # phone photo taken from low and to the side: strong perspective (keystone)
    "shadow",  # phone photo with the hard shadow of a hand or the phone across the page
    "crumpled",  # a sheet crumpled in a pocket and smoothed out: bumps, facets, creases
    "bilevel",  # a 1-bit (black-and-white, "fax") scan: must be refused
    "low_res",  # 100 dpi: must be refused
    "low_contrast",  # a washed-out scan: must be refused
)
# The refusal each profile requires (None: the page must be read).
EXPECTED_REFUSAL: dict[str, str | None] = {
    "bilevel": "bilevel",
    "low_res": "too_small",
    "low_contrast": "low_contrast",
}
# Pages that a reader may read or may refuse with one of these reasons (the fix then asks
# for the sheet to be smoothed out and scanned again): never a silent error either way.
MAY_REFUSE: dict[str, tuple[str, ...]] = {
    "crumpled": ("no_qr", "no_markers", "bad_qr"),
}


def _jpeg(image: np.ndarray, rng: np.random.Generator, lo: int = 40, hi: int = 92) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(lo, hi))])
    assert ok
    decoded = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    assert decoded is not None
    return np.asarray(decoded, dtype=np.uint8)


def _noise(image: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    noise = np.empty(image.shape, dtype=np.int16)
    cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))
    cv2.randn(noise, 0, sigma)  # type: ignore[call-overload]
    out: np.ndarray = cv2.add(image, noise, dtype=cv2.CV_8U)  # summed as int16, then saturated
    return out


def _light(
    shape: tuple[int, int], rng: np.random.Generator, strength: float, shadow: bool
) -> np.ndarray:
    h, w = shape
    gh, gw = max(2, h // 16), max(2, w // 16)
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    gx, gy = rng.uniform(-strength, strength, 2)
    light: Any = 1.0 + gx * (xx / gw - 0.5) + gy * (yy / gh - 0.5)
    if shadow:
        sx, sy = rng.uniform(0, gw), rng.uniform(0, gh)
        sigma = rng.uniform(0.15, 0.4) * gw
        light -= rng.uniform(0.15, 0.4) * np.exp(
            -((xx - sx) ** 2 + (yy - sy) ** 2) / (2 * sigma**2)
        )
    light8 = (np.clip(light, 0.45, 1.2) * 128).astype(np.uint8)
    result: np.ndarray = cv2.resize(light8, (w, h), interpolation=cv2.INTER_LINEAR)
    return result


def _place(
    image: np.ndarray,
    rng: np.random.Generator,
    *,
    out_size: tuple[int, int],
    scale: float,
    angle: float,
    jitter: float,
    background: float | np.ndarray,
) -> np.ndarray:
    h, w = image.shape
    out_w, out_h = out_size
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    theta = np.deg2rad(angle)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    centre = np.array([out_w / 2, out_h / 2]) + rng.uniform(-0.03, 0.03, 2) * [out_w, out_h]
    dst = []
    for x, y in src:
        v = (np.array([x - w / 2, y - h / 2]) * scale) @ rot.T + centre
        v += rng.uniform(-jitter, jitter, 2) * np.array([w, h]) * scale
        dst.append(v)
    matrix = cv2.getPerspectiveTransform(src, np.array(dst, dtype=np.float32))
    if isinstance(background, np.ndarray):
        out: np.ndarray = background.copy()
        cv2.warpPerspective(
            image,
            matrix,
            (out_w, out_h),
            dst=out,
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_TRANSPARENT,
        )
        return out
    out = cv2.warpPerspective(
        image, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=background
    )
    return out


def scanner(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Capture like a sheet-fed scanner: slight skew, uneven lamp, noise, JPEG."""
    h, w = image.shape
    out = _place(
        image,
        rng,
        out_size=(int(w * 1.06), int(h * 1.06)),
        scale=float(rng.uniform(0.95, 1.0)),
        angle=float(rng.uniform(-3, 3)),
        jitter=0.004,
        background=float(rng.uniform(215, 255)),
    )
    out = cv2.multiply(out, _light(out.shape, rng, 0.12, rng.random() < 0.2), scale=1 / 128)
    blur = rng.uniform(0.0, 0.8)
    if blur > 0.25:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    return _jpeg(_noise(out, rng, float(rng.uniform(1, 6))), rng)


def phone(
    image: np.ndarray,
    rng: np.random.Generator,
    *,
    angle: float = 12.0,
    jitter: float = 0.05,
    hard_shadow: bool = False,
) -> np.ndarray:
    """Photograph the sheet on a table: at an angle, the page ~60 % of the frame.

    ``angle`` bounds the rotation (degrees) and ``jitter`` the perspective (share of the
    page by which each corner may move); ``hard_shadow`` casts the sharp-edged shadow of
    a hand or of the phone itself across part of the page.
    """
    h, w = image.shape
    share = float(rng.uniform(0.5, 0.7))  # of the frame's area covered by the page
    frame_w, frame_h = int(w / np.sqrt(share)), int(h / np.sqrt(share))
    # A table with a few things on it, around the sheet.
    table = np.full((frame_h, frame_w), float(rng.uniform(50, 150)), dtype=np.uint8)
    for _ in range(3):
        x, y = int(rng.integers(0, frame_w)), int(rng.integers(0, frame_h))
        cv2.circle(table, (x, y), int(rng.integers(20, 120)), float(rng.uniform(40, 170)), -1)
    out = _place(
        image,
        rng,
        out_size=(frame_w, frame_h),
        scale=1.0,
        angle=float(rng.uniform(-angle, angle)),
        jitter=jitter,
        background=table,
    )
    out = cv2.multiply(out, _light(out.shape, rng, 0.35, True), scale=1 / 128)
    if hard_shadow:
        out = _hard_shadow(out, rng)
    blur = rng.uniform(0.3, 1.3)
    out = cv2.GaussianBlur(out, (0, 0), blur)
    return _jpeg(_noise(out, rng, float(rng.uniform(2, 8))), rng, 55, 92)


def _hard_shadow(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Darken a region entering from one edge, with a sharp but not perfect edge."""
    h, w = image.shape
    mask = np.zeros((h, w), dtype=np.uint8)
    edge = int(rng.integers(0, 4))
    reach = float(rng.uniform(0.2, 0.5))
    a, b = sorted(rng.uniform(0, 1, 2))
    b = max(b, a + 0.3)
    if edge == 0:  # from the left
        pts = [(0, a * h), (reach * w, (a + 0.1) * h), (reach * w * 0.8, b * h), (0, b * h)]
    elif edge == 1:  # from the right
        pts = [(w, a * h), ((1 - reach) * w, (a + 0.1) * h), ((1 - reach * 0.8) * w, b * h)]
        pts.append((w, b * h))
    elif edge == 2:  # from the top
        pts = [(a * w, 0), ((a + 0.1) * w, reach * h), (b * w, reach * h * 0.8), (b * w, 0)]
    else:  # from the bottom
        pts = [(a * w, h), ((a + 0.1) * w, (1 - reach) * h), (b * w, (1 - reach * 0.8) * h)]
        pts.append((b * w, h))
    polygon = np.array(pts, dtype=np.int32)
    cv2.fillPoly(mask, [polygon], 255)
    sigma = float(rng.uniform(2, 12))
    # Only around the shadow: further than the blur reaches, the shadow is exactly 0 and
    # the image is left as it is (see _around).
    y0, y1, x0, x1 = _around(polygon, sigma, h, w)
    soft = cv2.GaussianBlur(mask[y0:y1, x0:x1].astype(np.float32) / 255, (0, 0), sigma)
    factor = 1 - float(rng.uniform(0.3, 0.55)) * soft
    out = image.copy()
    shaded = np.clip(image[y0:y1, x0:x1].astype(np.float32) * factor, 0, 255)
    out[y0:y1, x0:x1] = shaded.astype(np.uint8)
    return out


def _around(points: np.ndarray, sigma: float, h: int, w: int) -> tuple[int, int, int, int]:
    """Return the rows and columns (y0, y1, x0, x1) a Gaussian blur of ``sigma`` (float32
    image) can carry ink drawn within ``points`` (and a few pixels round them) to.

    The region is wide enough that the pixels within a blur's reach of its edges are
    paper (zeros), so blurring only that region gives, pixel for pixel, what blurring
    the whole image does (OpenCV's float kernel reaches ``cvRound(8 * sigma + 1) // 2``
    pixels; where the region meets the image's edge, the image's border is the region's).
    """
    reach = 2 * (int(4 * sigma) + 2) + 4
    x0 = max(0, int(points[:, 0].min()) - reach)
    x1 = min(w, int(points[:, 0].max()) + reach + 1)
    y0 = max(0, int(points[:, 1].min()) - reach)
    y1 = min(h, int(points[:, 1].max()) + reach + 1)
    return y0, max(y0, y1), x0, max(x0, x1)


def crumple(image: np.ndarray, rng: np.random.Generator, dpi: float) -> np.ndarray:
    """Crumple the sheet and smooth it out again.

    The paper no longer lies flat: every point moves by up to ~0.8 mm in a smooth,
    irregular field (cells of 15–40 mm), its facets catch the light unevenly, and a few
    sharp creases cross it.
    """
    px = dpi / 25.4
    h, w = image.shape
    cell = float(rng.uniform(15, 40)) * px
    gh, gw = max(3, int(h / cell) + 2), max(3, int(w / cell) + 2)
    amplitude = float(rng.uniform(0.2, 0.8)) * px
    fields = []
    for _ in range(3):
        coarse = rng.normal(0, 1, (gh, gw)).astype(np.float32)
        fields.append(cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC))
    dx, dy, bumps = fields
    xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    warped = cv2.remap(
        image,
        xx + amplitude * dx,
        yy + amplitude * dy,
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    # Facets: light falls on the bumps from one side.
    slope = cv2.Sobel(bumps, cv2.CV_32F, 1, 0, ksize=3) * (cell / 8)
    light = 1 + float(rng.uniform(0.03, 0.08)) * np.clip(slope, -2, 2)
    out: np.ndarray = warped.astype(np.float32) * light
    for _ in range(int(rng.integers(2, 6))):
        x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
        theta = rng.uniform(0, np.pi)
        length = rng.uniform(0.2, 0.7) * max(h, w)
        x1, y1 = x0 + length * np.cos(theta), y0 + length * np.sin(theta)
        line = np.zeros((h, w), dtype=np.float32)
        ends = np.array([[int(x0), int(y0)], [int(x1), int(y1)]])
        thickness = max(1, int(0.15 * px))
        cv2.line(line, tuple(ends[0]), tuple(ends[1]), 1.0, thickness)
        # Blurred and applied only around the line: elsewhere the crease is exactly 0.
        ends = np.concatenate([ends - thickness, ends + thickness])
        cy0, cy1, cx0, cx1 = _around(ends, 0.3 * px, h, w)
        crease: np.ndarray = cv2.GaussianBlur(line[cy0:cy1, cx0:cx1], (0, 0), 0.3 * px)
        lift = 1 - float(rng.uniform(0.03, 0.1)) * crease / max(float(crease.max()), 1e-6)
        out[cy0:cy1, cx0:cx1] = out[cy0:cy1, cx0:cx1] * lift
    result: np.ndarray = np.clip(out, 0, 255).astype(np.uint8)
    return result


def show_through(
    image: np.ndarray, back: np.ndarray, rng: np.random.Generator, dpi: float
) -> np.ndarray:
    """Let the mirrored print of the other side show through thin paper."""
    mirrored = cv2.flip(back, 1)
    if mirrored.shape != image.shape:
        mirrored = cv2.resize(mirrored, (image.shape[1], image.shape[0]))
    depth = float(rng.uniform(0.03, 0.10))
    # 1 - depth * (1 - blurred / 255), in float32, one array worked in place.
    ink = cv2.GaussianBlur(mirrored, (0, 0), 0.35 * dpi / 25.4).astype(np.float32)
    ink /= 255
    np.subtract(1, ink, out=ink)
    ink *= depth
    np.subtract(1, ink, out=ink)
    out = image.astype(np.float32)
    out *= ink
    result: np.ndarray = np.clip(out, 0, 255, out=out).astype(np.uint8)
    return result


def fold(image: np.ndarray, rng: np.random.Generator, dpi: float) -> np.ndarray:
    """Fold the sheet once or twice: creases with a shadow and a highlight beside them."""
    px = dpi / 25.4
    out = image.astype(np.float32)
    h, w = image.shape
    for _ in range(int(rng.integers(1, 3))):
        horizontal = rng.random() < 0.75
        length = w if horizontal else h
        pos = float(rng.uniform(0.25, 0.75)) * (h if horizontal else w)
        slope = float(rng.uniform(-0.01, 0.01))
        across = h if horizontal else w
        line = pos + slope * (np.arange(length) - length / 2)
        width = float(rng.uniform(0.2, 0.6)) * px
        depth = float(rng.uniform(0.05, 0.15))
        step = float(rng.uniform(-0.03, 0.03))
        # The crease's two bells reach no further than 20 widths before the line and 25
        # after it: beyond, both exponents are under e^-60, so ``1 - crease`` is exactly 1.0
        # in double precision and the factor is 1.0 before the line and 1.0 - step after.
        # Only the band between is computed, each pixel as before.
        lo = min(across, max(0, int(np.floor(line.min() - 20 * width)) - 1))
        hi = max(lo, min(across, int(np.ceil(line.max() + 25 * width)) + 2))
        coords = np.arange(lo, hi, dtype=np.float32)
        dist = coords[:, None] - line[None, :]  # (across the crease, along it)
        crease = depth * np.exp(-(dist**2) / (2 * width**2)) - 0.5 * depth * np.exp(
            -((dist - 2.5 * width) ** 2) / (2 * (2 * width) ** 2)
        )
        side = np.where(dist > 0, step, 0.0)
        factor = 1 - crease - side
        after = np.float64(1.0 - step)  # a double: the product is taken in double, as before
        if horizontal:
            out[lo:hi] *= factor
            out[hi:] *= after
        else:
            out[:, lo:hi] *= factor.T
            out[:, hi:] *= after
    result: np.ndarray = np.clip(out, 0, 255).astype(np.uint8)
    return result


def dog_ear(image: np.ndarray, rng: np.random.Generator, dpi: float) -> tuple[np.ndarray, bool]:
    """Fold a corner over; return the image and whether the fold hides the QR."""
    px = dpi / 25.4
    h, w = image.shape
    corner = int(rng.integers(0, 4))  # 0 TL, 1 TR, 2 BR, 3 BL
    leg = (
        float(rng.uniform(15, 35))
        if corner != 1 or rng.random() < 0.5
        else float(rng.uniform(55, 75))
    )
    cx = 0 if corner in (0, 3) else w
    cy = 0 if corner in (0, 1) else h
    sx = 1 if cx == 0 else -1
    sy = 1 if cy == 0 else -1
    tri = np.array([[cx, cy], [cx + sx * leg * px, cy], [cx, cy + sy * leg * px]], dtype=np.int32)
    out = image.copy()
    shade = int(rng.uniform(150, 215))
    cv2.fillConvexPoly(out, tri, shade)
    cv2.line(
        out, tuple(tri[1]), tuple(tri[2]), int(shade * 0.7), max(1, int(0.3 * px)), cv2.LINE_AA
    )
    covers_qr = False
    if corner == 1:
        # The fold hides the QR when it covers the whole finder pattern in the QR's corner
        # nearest the page corner. A fold that only clips the quiet zone or the tip of that
        # corner (up to a few millimetres past it) still reads: the reader decodes such
        # pages, so they are not labelled as refusals.
        nearest = (PAGE_W - (QR_RECT.x + QR_RECT.w)) + QR_RECT.y
        covers_qr = leg > nearest + 12.0
    return out, covers_qr


def bilevel(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Binarise as a fax or a black-and-white scanner setting does."""
    scanned = scanner(image, rng)
    threshold = float(rng.uniform(110, 170))
    return np.where(scanned < threshold, 0, 255).astype(np.uint8)


def low_contrast(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Wash the scan out: black prints as light grey."""
    scanned = scanner(image, rng).astype(np.float32)
    low, high = float(rng.uniform(165, 200)), float(rng.uniform(215, 240))
    out: np.ndarray = (low + scanned / 255 * (high - low)).astype(np.uint8)
    return out


def page_size_px(dpi: float) -> tuple[int, int]:
    """Return (width, height) in pixels of an A4 page at ``dpi``."""
    return round(PAGE_W / 25.4 * dpi), round(PAGE_H / 25.4 * dpi)
