"""The reviewer's view of a page with faint marks brought out: its time a page.

Run with ``python -m bench faint_view``. A reviewer who asks for it ("Làm rõ dấu mờ")
gets each page of the copy made again in the web process from its stored JPEG
(:func:`phieukin.paper.images.faint_view`). The pages here are the page images the
reader makes from the first deck's product mix (:func:`phieukin.paper.corpus.mix.copy_pages`
read by :func:`phieukin.paper.omr.worker.read_image`), the ones a reviewer would see.

The baseline, timed in the same run on the same pages in alternating slices, is what
any page served costs before the view: decoding its JPEG and encoding it again. Printed:
the median time a page of each, their ratio, and the slowest page of the view.

Settings: ``BENCH_FAINT_PAGES`` (default 40), ``BENCH_FAINT_SEED`` (default 4910),
``BENCH_FAINT_ROUNDS`` (default 5). Nothing here asserts.
"""

from __future__ import annotations

import os
import statistics
import time


def _pages(count: int, seed: int) -> list[bytes]:
    """Return the JPEG page images the reader makes of the mix's first copies."""
    from phieukin.paper.corpus.mix import copy_pages, layouts
    from phieukin.paper.omr import worker

    worker._init(layouts(), 0)
    out: list[bytes] = []
    copy = 0
    while len(out) < count:
        for page, _plan in copy_pages(seed, copy, 0.0):
            result = worker.read_image(page.image)
            if result.page_jpeg and len(out) < count:
                out.append(result.page_jpeg)
        copy += 1
    return out


def _baseline(jpeg: bytes) -> bytes:
    import cv2
    import numpy as np

    from phieukin.paper.omr.worker import PAGE_JPEG_QUALITY

    gray = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
    if gray is None:
        return b""
    ok, data = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, PAGE_JPEG_QUALITY])
    return bytes(data.tobytes()) if ok else b""


def main() -> None:
    from bench.omr import _setup
    from phieukin.paper.images import faint_view

    _setup()  # the corpus prints its ballots with the product's (translated) printing

    count = int(os.environ.get("BENCH_FAINT_PAGES", "40"))
    seed = int(os.environ.get("BENCH_FAINT_SEED", "4910"))
    rounds = int(os.environ.get("BENCH_FAINT_ROUNDS", "5"))
    pages = _pages(count, seed)
    print(
        f"faint-mark view: {len(pages)} page images of the product mix (seed {seed}), "
        f"{rounds} rounds; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    times: dict[str, list[float]] = {"baseline": [], "view": []}
    for _round in range(rounds):
        for jpeg in pages:
            # Alternating: each page through the baseline, then through the view.
            for name, func in (("baseline", _baseline), ("view", faint_view)):
                started = time.perf_counter()
                made = func(jpeg)
                times[name].append(time.perf_counter() - started)
                if not made:
                    raise RuntimeError(f"{name}: a page could not be made")
    base = statistics.median(times["baseline"]) * 1000
    view = statistics.median(times["view"]) * 1000
    print(f"  baseline (decode and encode the page's JPEG): median {base:.1f} ms a page")
    print(f"  view with faint marks brought out: median {view:.1f} ms a page")
    print(f"  ratio view / baseline: {view / base:.2f} ×")
    print(f"  slowest page of the view: {max(times['view']) * 1000:.1f} ms")
