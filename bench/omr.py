"""OMR reader throughput and accuracy over thousands of synthetic ballot pages.

Run with ``python -m bench omr``. The corpus (``BENCH_OMR_PAGES``, default 2,000 pages)
is generated once with the test suite's generator (``phieukin/paper/tests/synth.py``):
our printed ballots (the 21-item sample and a 7-item 3-option form) rendered at 150,
200 or 300 dpi, marked by simulated respondents (ticks, crosses, filled boxes, circles,
blanks, light pencil, double marks, corrections, stray strokes, some blank ballots and
handwritten comments), degraded as a scanner or a phone camera would (rotation up to
±5°, perspective, blur, noise, shadows, JPEG quality 35–90) and cached as JPEG files
with their ground truth under ``bench/out/omr/v1/`` (about 1 MB per page; generating
2,000 pages takes 5–12 minutes on two cores; delete the folder to generate afresh).

Then, with two worker processes (the machine's two cores), it times, in the same run:

* the baseline — read each file and decode it to grayscale, nothing else;
* the reader — the same decode plus ``read_page`` (markers, homography, QR, every box).

It prints pages per second for both and their ratio, the share of clear marks read
without review, the share of items sent to review, and the count of silent errors
(an item read as marked or empty that was not what was drawn). Nothing here asserts.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out" / "omr" / "v1"
WORKERS = 2
# Share of item styles in the corpus: mostly clear marks, as on real ballots.
STYLES = ("tick", "cross", "fill", "circle", "blank", "faint", "double", "correction", "stray")
WEIGHTS = (0.30, 0.30, 0.08, 0.05, 0.12, 0.05, 0.04, 0.04, 0.02)
CLEAR_MARKS = ("tick", "cross", "fill", "circle")


def _pages() -> int:
    return int(os.environ.get("BENCH_OMR_PAGES", "2000"))


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phieukin.config.settings")
    import cv2
    import django

    django.setup()
    cv2.setNumThreads(1)


_corpora: dict[str, Any] = {}


def _corpus(kind: str) -> Any:
    from phieukin.paper.tests.synth import Corpus, sample_spec, small_spec

    if kind not in _corpora:
        spec = sample_spec() if kind == "sample" else small_spec(items=7, options=3)
        _corpora[kind] = Corpus(spec)
    return _corpora[kind]


def _generate_one(index: int) -> dict[str, Any]:
    import cv2
    import numpy as np

    rng = np.random.default_rng([2026, index])
    kind = "small" if index % 10 == 9 else "sample"
    corpus = _corpus(kind)
    page_index = int(rng.integers(0, len(corpus.sheets())))
    dpi = float(rng.choice([150, 200, 300]))
    profile = str(rng.choice(["scan", "scan", "scan", "phone", "phone", "clean"]))
    if index % 50 == 0:
        page = corpus.page(
            page_index, rng, dpi=dpi, profile=profile, styles=("blank",), comment=False
        )
    else:
        page = corpus.page(
            page_index, rng, dpi=dpi, profile=profile, styles=STYLES, weights=WEIGHTS
        )
    path = OUT / f"{index:05d}.jpg"
    # degrade() has already passed the page through JPEG at quality 35–90; storing it again
    # at quality 92 keeps the cache small and adds a little more loss, as re-saving does.
    ok, data = cv2.imencode(".jpg", page.image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    path.write_bytes(data.tobytes())
    return {
        "file": path.name,
        "kind": kind,
        "dpi": dpi,
        "profile": profile,
        "sheet": page.sheet.payload(),
        "blank": page.blank,
        "truth": {k: [t.style, t.option, list(t.inked)] for k, t in page.truth.items()},
    }


def _ensure_corpus(n: int) -> list[dict[str, Any]]:
    manifest = OUT / "truth.jsonl"
    if manifest.exists():
        rows = [json.loads(line) for line in manifest.read_text().splitlines()]
        if len(rows) >= n:
            return rows[:n]
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with mp.get_context("fork").Pool(WORKERS, initializer=_setup) as pool:
        rows = pool.map(_generate_one, range(n), chunksize=16)
    manifest.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    print(f"generated {n} pages in {time.perf_counter() - started:.0f} s → {OUT}", flush=True)
    return rows


_layouts: dict[tuple[str, int], Any] = {}


def _init_reader() -> None:
    _setup()
    from phieukin.paper.layout import build_layout
    from phieukin.paper.tests.synth import sample_spec, small_spec

    for spec in (sample_spec(), small_spec(items=7, options=3)):
        _layouts[(spec.code, spec.version)] = build_layout(spec)


def _layout_for(sheet: Any) -> Any:
    return _layouts[(sheet.questionnaire_code, sheet.questionnaire_version)]


def _baseline(name: str) -> float:
    import cv2
    import numpy as np

    cpu = time.process_time()
    data = (OUT / name).read_bytes()
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image is not None
    return time.process_time() - cpu


def _read(name: str) -> dict[str, Any]:
    import cv2
    import numpy as np

    from phieukin.paper.omr.reader import read_page
    from phieukin.paper.omr.types import PageRefused

    cpu = time.process_time()
    data = (OUT / name).read_bytes()
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None:
        return {"refused": "undecodable", "cpu": time.process_time() - cpu}
    try:
        reading = read_page(image, _layout_for)
    except PageRefused as exc:
        return {"refused": exc.reason, "cpu": time.process_time() - cpu}
    return {
        "cpu": time.process_time() - cpu,
        "sheet": reading.sheet.payload(),
        "blank": reading.blank,
        "items": {r.item_key: [r.status, r.option_index, r.reason] for r in reading.items},
    }


def _timed(pool: Any, fn: Any, names: list[str]) -> tuple[float, list[Any]]:
    started = time.perf_counter()
    results = pool.map(fn, names, chunksize=8)
    return time.perf_counter() - started, results


def main() -> None:
    """Generate (once) and read the corpus; print throughput and accuracy."""
    _setup()
    from phieukin.paper.omr.types import ItemReading
    from phieukin.paper.tests.synth import Score, Truth

    n = _pages()
    rows = _ensure_corpus(n)
    names = [r["file"] for r in rows]
    load_before = os.getloadavg()[0]
    with mp.get_context("fork").Pool(WORKERS, initializer=_init_reader) as pool:
        pool.map(_read, names[:8])  # warm up: imports, layouts, detectors
        base_s, base_cpu = _timed(pool, _baseline, names)
        read_s, results = _timed(pool, _read, names)
        base_s2, base_cpu2 = _timed(pool, _baseline, names)
    load_after = os.getloadavg()[0]
    base_s = min(base_s, base_s2)
    base_cpu_s = min(sum(base_cpu), sum(base_cpu2))
    read_cpu_s = sum(r["cpu"] for r in results)

    score = Score()
    refused: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    by_profile: Counter[str] = Counter()
    wrong_sheet = blank_wrong = 0
    items = 0
    per_style: dict[str, list[int]] = {style: [0, 0, 0] for style in ("blank", *STYLES)}
    for row, result in zip(rows, results, strict=True):
        if "refused" in result:
            refused[result["refused"]] += 1
            continue
        wrong_sheet += result["sheet"] != row["sheet"]
        blank_wrong += result["blank"] != row["blank"]
        for key, (style, option, inked) in row["truth"].items():
            status, index, reason = result["items"][key]
            before = score.silent_errors
            score.add(
                key, Truth(style, option, tuple(inked)), ItemReading(key, status, index, (), reason)
            )
            if score.silent_errors > before:
                by_profile[f"{row['profile']}@{row['dpi']:.0f}"] += 1
            if status == "ambiguous":
                reasons[f"{style}→{reason}"] += 1
                per_style[style][1] += 1
            elif score.silent_errors > before:
                per_style[style][2] += 1
            else:
                per_style[style][0] += 1
            items += 1

    print(
        f"pages: {n} ({sum(r['kind'] == 'sample' for r in rows)} of the 21-item sample, "
        f"{sum(r['kind'] == 'small' for r in rows)} of a 7-item 3-option form); "
        f"profiles {dict(Counter(r['profile'] for r in rows))}; "
        f"dpi {dict(Counter(int(r['dpi']) for r in rows))}"
    )
    print(
        f"machine load average (1 min) before/after: {load_before:.1f}/{load_after:.1f} "
        f"on {os.cpu_count()} cores (other work on the machine slows the wall-clock figures)"
    )
    print(
        f"baseline (read file + decode to grayscale), {WORKERS} processes: "
        f"{n / base_s:.1f} pages/s wall; {1000 * base_cpu_s / n:.1f} ms CPU per page"
    )
    print(
        f"reader (read file + decode + read_page), {WORKERS} processes: {n / read_s:.1f} pages/s "
        f"wall; {1000 * read_cpu_s / n:.1f} ms CPU per page "
        f"→ {WORKERS * n / read_cpu_s:.1f} pages/s on {WORKERS} otherwise idle cores"
    )
    print(
        f"ratio reader/baseline: {read_s / base_s:.1f}x wall time, "
        f"{read_cpu_s / base_cpu_s:.1f}x CPU time"
    )
    print(
        f"refused pages: {sum(refused.values())} {dict(refused)}; wrong sheet id: {wrong_sheet}; "
        f"blank-page flag wrong: {blank_wrong}"
    )
    print(
        f"items: {items}; clear marks (tick, cross, fill, circle, blank): {score.clear}; "
        f"read without review: {score.clear_read} "
        f"({100 * score.clear_read / max(score.clear, 1):.3f} %)"
    )
    print(f"items sent to review: {score.flagged} ({100 * score.flagged / max(items, 1):.2f} %)")
    print(f"silent errors: {score.silent_errors}")
    for line in score.errors[:10]:
        print("  ", line)
    if by_profile:
        print(f"silent errors by profile: {dict(by_profile)}")
    marks = sum(sum(per_style[s]) for s in CLEAR_MARKS)
    marks_read = sum(per_style[s][0] for s in CLEAR_MARKS)
    print(
        f"clear marks only (tick, cross, fill, circle): {marks}; read without review: "
        f"{marks_read} ({100 * marks_read / max(marks, 1):.3f} %)"
    )
    print("per drawn style: items / read as drawn / sent to review / silent errors")
    for style, (right, flagged, wrong) in per_style.items():
        print(f"  {style:<11} {right + flagged + wrong:>6} {right:>6} {flagged:>6} {wrong:>4}")
    print("review reasons (drawn style → reason):")
    for reason, count in reasons.most_common():
        print(f"  {reason}: {count}")
