"""Show one silent error of the OMR benchmark: what was drawn, what was read, and why.

Used by ``bench/omr.py`` when ``BENCH_OMR_DUMP=DIR`` is set. For every item read
neither as drawn nor sent to review it writes ``DIR/<name>.txt`` (item and page style,
dpi, what was drawn (and, for a mark read as "no answer", how deep its stroke is left in
the captured image), what was read, the page's calibration and the reader's measurements
of every box of the row) and ``DIR/<name>.png`` (the row on the canonical raster,
enlarged, with the row above and below). It imports the reader (the benchmark judges
the reader); the corpus generator never does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np


def _figures(m: Any, cal: Any) -> dict[str, float]:
    """Return the quantities :func:`reader._box_state` decides on, for one box."""
    from phieukin.paper.omr import reader as r

    inner_level, ring_level = r._levels(m, cal)
    above = m.inner - inner_level
    ring_hits = m.ring > ring_level
    outside = m.ring - ring_level
    sectors = 0
    if np.count_nonzero(ring_hits):
        counts = np.bincount(m.ring_sector[ring_hits], minlength=8)
        sectors = int(np.count_nonzero(counts >= r.SECTOR_PX))
    soft_trace = int(np.count_nonzero(m.soft - m.inner_median > cal.soft + cal.soft_margin))
    return {
        "border": m.border,
        "peak": m.peak,
        "inner_median": m.inner_median,
        "contrast": m.peak - m.inner_median,
        "ring_peak": m.ring_peak,
        "ring_median": m.ring_median,
        "noise": m.noise,
        "inner_level": inner_level,
        "ring_level": ring_level,
        "inner_trace_px": int(np.count_nonzero(above > 0)),
        "ring_trace_px": int(np.count_nonzero(ring_hits)),
        "mass_mm2": float(np.sum(above[above > 0])) / (r.SCALE * r.SCALE),
        "ring_mass_mm2": float(np.sum(outside[outside > 0])) / (r.SCALE * r.SCALE),
        "ring_sectors": sectors,
        "soft_peak": float(m.soft.max() - m.inner_median) if m.soft.size else 0.0,
        "soft_trace_px": soft_trace,
        "inner_max": float(m.inner.max()) if m.inner.size else 0.0,
    }


def dump_error(
    folder: str,
    name: str,
    image: np.ndarray,
    item_key: str,
    truth: Any,
    plan: dict[str, Any],
    left: float | None = None,
) -> None:
    """Re-read ``image`` and write the measurements and a crop of item ``item_key``.

    ``left``: for a mark read as "no answer", the average depth its stroke keeps in the
    captured image (:func:`phieukin.paper.corpus.mix.mark_left`).
    """
    from phieukin.paper.omr import reader as r
    from phieukin.paper.omr.worker import _layout_for

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    reading = r.read_page(image, _layout_for)
    canon = reading.page_image
    assert canon is not None
    page_layout = _layout_for(reading.sheet).page(reading.sheet.page)
    # Measured as the reader measures: on the page with its creases taken out.
    measured, cal = r.measure_items(r._flatten_creases(canon, page_layout), page_layout)
    read = next(x for x in reading.items if x.item_key == item_key)
    lines = [
        f"item {item_key}: style {truth.style}, page style {plan['profile']}, "
        f"dpi {plan['dpi']:.0f}, questionnaire {plan['kind']}",
        f"drawn: option {truth.option}, inked boxes {truth.inked}"
        + ("" if left is None else f"; the stroke keeps {left:.4f} of depth in the capture"),
        f"read: {read.status} option {read.option_index} reason {read.reason!r} fills {read.fills}",
        f"calibration: {cal}",
    ]
    index = next(i for i, (item, _m) in enumerate(measured) if item.key == item_key)
    item, measures = measured[index]
    for n, m in enumerate(measures or []):
        if m is None:
            lines.append(f"  box {n}: not measured")
            continue
        state = r._box_state(m, cal)
        figures = ", ".join(
            f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
            for k, v in _figures(m, cal).items()
        )
        lines.append(f"  box {n} {'INKED ' if n in truth.inked else ''}{state}: {figures}")
    (out / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The row with its neighbours, enlarged four times.
    rows = [it.row for it in page_layout.items]
    top = min(rows[max(0, index - 1)].y, item.row.y)
    bottom = max(rows[min(len(rows) - 1, index + 1)].y + rows[index].h, item.row.y + item.row.h)
    x0 = round(min(b.x for b in item.boxes) * r.SCALE) - 40
    x1 = round(max(b.x + b.w for b in item.boxes) * r.SCALE) + 40
    crop = canon[round(top * r.SCALE) : round(bottom * r.SCALE), max(0, x0) : x1]
    big = cv2.resize(crop, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
    cv2.imwrite(str(out / f"{name}.png"), big)
