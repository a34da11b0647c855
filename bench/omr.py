"""OMR reader: throughput, memory and accuracy over thousands of generated ballot pages.

Run with ``python -m bench omr``. Pages come from the corpus generator
(:mod:`phieukin.paper.corpus`), which is independent of the reader; the seeds here
(``BENCH_OMR_SEED``, default 2027) are not those the reader was tuned on.

Two parts:

1. **Accuracy** over ``BENCH_OMR_PAGES`` pages (default 1,000; the README reports a run
   of 15,000). Pages are generated and read in two worker processes, each page encoded
   as a scanner or phone gives it (through JPEG; 1-bit pages as 1-bit PNG files) and read
   by the product's own functions (:func:`phieukin.paper.omr.worker.read_image`, and
   :func:`~phieukin.paper.omr.worker.read_one` for files).
   Nothing is cached on disk. Copies (both pages of a printed ballot) follow the
   *product mix*: mostly clear ticks and crosses, some pencil, rare doubtful marks, and
   page styles from clean scans to phone photos, 1-bit scans and pages of another box.
   A further ``BENCH_OMR_STRESS`` share of copies (default 0.15) draws every item style
   equally often, for per-style figures; those copies are left out of the review shares.
2. **Throughput and memory**: ``BENCH_OMR_SPEED_PAGES`` (default 600) pages written as
   files and read by :class:`phieukin.paper.omr.worker.PageReader` with 2 worker
   processes under their memory limit, as the product reads an upload; the resident
   memory of the parent and of the workers is sampled throughout, for a small batch
   and for the whole, to show that memory does not grow with the batch. A hostile file
   (a 1 KB PDF declaring a 5 m × 5 m page) is read in the same pool.

It prints pages per second, peak resident memory, per style (items, read as drawn, sent
to review, silent errors), per page style (refused as expected, read, wrong), and the
shares of clear marks and of copies sent to review. Nothing here asserts.
"""

from __future__ import annotations

import io
import multiprocessing as mp
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out" / "omr"
WORKERS = 2
BOX_ID = 34

# The product mix of item styles: what respondents mostly do.
MIX_STYLES = {
    "blank": 0.15,
    "tick": 0.28,
    "cross": 0.28,
    "fill": 0.06,
    "circle": 0.04,
    "pencil_tick": 0.09,
    "pencil_cross": 0.0936,
    "light_pencil": 0.0015,
    "very_light": 0.0008,
    "dot": 0.0006,
    "dash": 0.0006,
    "spill": 0.0005,
    "erased": 0.0005,
    "erased_new": 0.0005,
    "correction": 0.0005,
    "stray": 0.0004,
    "double": 0.0005,
}
# Page styles of the product mix (scans at 150/200/300 dpi are "scan").
MIX_PROFILES = {
    "scan": 0.62,
    "phone": 0.12,
    "showthrough": 0.06,
    "fold": 0.06,
    "dogear": 0.03,
    "upside_down": 0.04,
    "bilevel": 0.02,
    "low_res": 0.01,
    "low_contrast": 0.01,
    "other_box": 0.015,
    "other_version": 0.015,
}
DPIS = (150.0, 200.0, 300.0)
DPI_WEIGHTS = (0.3, 0.45, 0.25)


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phieukin.config.settings")
    import cv2
    import django

    django.setup()
    cv2.setNumThreads(1)


_corpora: dict[str, Any] = {}


def _corpus(kind: str) -> Any:
    from phieukin.paper.corpus.deck import Corpus, sample_spec, small_spec

    if kind not in _corpora:
        if kind == "sample":
            _corpora[kind] = Corpus(sample_spec())
        elif kind == "small":
            _corpora[kind] = Corpus(small_spec(items=7, options=3))
        elif kind == "other_box":
            _corpora[kind] = Corpus(sample_spec(), box_id=BOX_ID + 1)
        else:  # another version of the small questionnaire, not this box's
            _corpora[kind] = Corpus(small_spec(items=7, options=3, version=3))
    return _corpora[kind]


def _layouts() -> dict[tuple[str, int], Any]:
    from phieukin.paper.corpus.deck import sample_spec, small_spec
    from phieukin.paper.layout import build_layout

    return {
        (spec.code, spec.version): build_layout(spec)
        for spec in (sample_spec(), small_spec(items=7, options=3))
    }


def _init_worker() -> None:
    from phieukin.paper.omr import worker

    _setup()
    worker._init(_layouts(), 0)


def _plan(seed: int, copy: int, stress_share: float) -> dict[str, Any]:
    import numpy as np

    rng = np.random.default_rng([seed, copy, 0])
    stress = bool(rng.random() < stress_share)
    profile = str(rng.choice(list(MIX_PROFILES), p=list(MIX_PROFILES.values())))
    kind = "small" if rng.random() < 0.1 else "sample"
    if profile in ("other_box", "other_version"):
        kind, profile = profile, "scan"
        return {"kind": kind, "profile": profile, "stress": stress, "expect": kind}
    return {"kind": kind, "profile": profile, "stress": stress, "expect": None}


def _encode(image: Any, profile: str) -> tuple[bytes, str]:
    import cv2
    from PIL import Image

    if profile == "bilevel":
        buffer = io.BytesIO()
        Image.fromarray(image).convert("1").save(buffer, format="PNG")
        return buffer.getvalue(), "page.png"
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert ok
    return data.tobytes(), "page.jpg"


def _copy_pages(seed: int, copy: int, stress_share: float) -> list[tuple[Any, dict[str, Any]]]:
    """Generate the pages of one printed copy: (SynthPage, plan)."""
    import numpy as np

    from phieukin.paper.corpus.deck import ALL_STYLES

    plan = _plan(seed, copy, stress_share)
    corpus = _corpus(plan["kind"])
    rng = np.random.default_rng([seed, copy, 1])
    dpi = float(rng.choice(DPIS, p=DPI_WEIGHTS))
    count = len(corpus.payloads())
    per_copy = corpus.layout.page_count
    first = int(rng.integers(0, count // per_copy)) * per_copy
    if plan["stress"]:
        styles, weights = ALL_STYLES, None
    else:
        styles, weights = tuple(MIX_STYLES), tuple(MIX_STYLES.values())
    pages = []
    for index in range(first, first + per_copy):
        page = corpus.page(
            index, rng, dpi=dpi, profile=plan["profile"], styles=styles, weights=weights
        )
        pages.append((page, {**plan, "dpi": dpi}))
    return pages


def _judge_copy(args: tuple[int, int, float]) -> dict[str, Any]:
    """Generate and read one copy; return its counts (the worker's whole answer)."""
    from phieukin.paper.omr.worker import read_image, read_one

    seed, copy, stress_share = args
    out: dict[str, Any] = {"pages": [], "cpu": 0.0}
    for page, plan in _copy_pages(seed, copy, stress_share):
        started = time.process_time()
        if plan["profile"] == "bilevel":
            # A 1-bit file, as a fax or a black-and-white scan setting makes it.
            data, name = _encode(page.image, "bilevel")
            result = read_one(data, name, 0)
        else:
            # The capture already went through JPEG; the reader gets the decoded image.
            result = read_image(page.image)
        out["cpu"] += time.process_time() - started
        record: dict[str, Any] = {"plan": plan, "refusal": result.refusal, "items": []}
        expected = plan["expect"] or page.refusal
        reading = result.reading
        if reading is not None:
            sheet = reading.sheet
            if sheet.box_id != BOX_ID:
                record["refusal"] = "other_box"
            elif sheet.questionnaire_version != _corpus(plan["kind"]).spec.version or (
                plan["kind"] == "other_version"
            ):
                record["refusal"] = "other_version"
            elif sheet.payload() != page.sheet_payload:
                record["wrong_sheet"] = True
        record["expected"] = expected
        if reading is not None and not record["refusal"]:
            for item in reading.items:
                truth = page.truth[item.item_key]
                verdict = truth.judge(item.status, item.option_index)
                record["items"].append(
                    (truth.style, truth.clear, verdict, item.reason, len(item.fills))
                )
        out["pages"].append(record)
    return out


def _accuracy(pages: int, seed: int, stress_share: float) -> None:
    copies = max(1, pages // 2)
    started = time.perf_counter()
    by_style: dict[str, Counter[str]] = {}
    by_profile: dict[str, Counter[str]] = {}
    reasons: Counter[str] = Counter()
    errors: list[str] = []
    cpu = 0.0
    page_count = positions = 0
    mix_clear = mix_clear_review = mix_copies = mix_copies_review = 0
    mix_marks = mix_marks_review = 0
    refused_wrongly = accepted_wrongly = wrong_sheet = 0

    def report(final: bool) -> None:
        wall = time.perf_counter() - started
        silent = sum(c["wrong"] for c in by_style.values())
        print("FINAL" if final else "PARTIAL (the run goes on)")
        print(
            f"accuracy: {page_count} pages (of {copies} printed copies planned), {positions} mark "
            f"positions (boxes), generated and read in {wall:.0f} s; seed {seed}"
        )
        print(
            f"reader CPU (decode + read_page) {1000 * cpu / max(page_count, 1):.1f} ms per page "
            f"→ {WORKERS * page_count / max(cpu, 1e-9):.1f} pages/s on {WORKERS} idle cores"
        )
        print(f"silent errors: {silent}; wrong sheet id: {wrong_sheet}")
        print(
            f"pages refused that had to be read: {refused_wrongly}; "
            f"pages read that had to be refused: {accepted_wrongly}"
        )
        print(
            f"product mix: clear marks and blanks {mix_clear}, sent to review {mix_clear_review} "
            f"({100 * mix_clear_review / max(mix_clear, 1):.2f} %); clear marks only {mix_marks}, "
            f"sent to review {mix_marks_review} "
            f"({100 * mix_marks_review / max(mix_marks, 1):.2f} %); "
            f"copies {mix_copies}, sent to review {mix_copies_review} "
            f"({100 * mix_copies_review / max(mix_copies, 1):.1f} %)"
        )
        print("per item style: items / read as drawn / sent to review / silent errors")
        for style, c in sorted(by_style.items(), key=lambda kv: -sum(kv[1].values())):
            total = sum(c.values())
            print(f"  {style:<13} {total:>8} {c['right']:>8} {c['review']:>7} {c['wrong']:>4}")
        print("per page style:")
        for profile, c in sorted(by_profile.items()):
            details = ", ".join(f"{k} {v}" for k, v in sorted(c.items()) if k != "pages")
            print(f"  {profile:<22} {c['pages']:>6} pages: {details}")
        print("review reasons (drawn style → reason), most common:")
        for reason, count in reasons.most_common(12):
            print(f"  {reason}: {count}")
        for line in errors:
            print("  ERROR", line)

    with mp.get_context("fork").Pool(WORKERS, initializer=_init_worker) as pool:
        jobs = ((seed, c, stress_share) for c in range(copies))
        for done, result in enumerate(pool.imap_unordered(_judge_copy, jobs, chunksize=4), 1):
            cpu += result["cpu"]
            copy_review = False
            copy_mix = False
            for record in result["pages"]:
                page_count += 1
                plan = record["plan"]
                key = plan["expect"] or plan["profile"]
                if plan["profile"] == "scan" and not plan["expect"]:
                    key = f"scan {plan['dpi']:.0f} dpi"
                counts = by_profile.setdefault(key, Counter())
                counts["pages"] += 1
                expected, refusal = record["expected"], record["refusal"]
                if expected:
                    counts[
                        "refused as required" if refusal else "read although it must not be"
                    ] += 1
                    accepted_wrongly += not refusal
                    continue
                if refusal:
                    counts[f"refused ({refusal})"] += 1
                    refused_wrongly += 1
                    continue
                wrong_sheet += bool(record.get("wrong_sheet"))
                counts["read"] += 1
                copy_mix = not plan["stress"]
                for style, clear, verdict, reason, boxes in record["items"]:
                    positions += boxes
                    style_counts = by_style.setdefault(style, Counter())
                    style_counts[verdict] += 1
                    counts[f"items {verdict}"] += 1
                    if verdict == "review":
                        copy_review = True
                        reasons[f"{style} → {reason}"] += 1
                    if verdict == "wrong" and len(errors) < 20:
                        errors.append(f"{key}: {style} read wrongly ({reason or 'no doubt'})")
                    if not plan["stress"] and clear:
                        mix_clear += 1
                        mix_clear_review += verdict == "review"
                        if style != "blank":
                            mix_marks += 1
                            mix_marks_review += verdict == "review"
            if copy_mix:
                mix_copies += 1
                mix_copies_review += copy_review
            if done % 50 == 0:
                silent_so_far = sum(c["wrong"] for c in by_style.values())
                print(
                    f"  … {done}/{copies} copies, {page_count} pages, {positions} positions, "
                    f"{time.perf_counter() - started:.0f} s; silent errors {silent_so_far}; "
                    f"clear marks to review {mix_marks_review}/{mix_marks}; copies to review "
                    f"{mix_copies_review}/{mix_copies}; refused wrongly {refused_wrongly}, "
                    f"accepted wrongly {accepted_wrongly}",
                    flush=True,
                )
            if done % 200 == 0 and done < copies:
                report(False)
    report(True)


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _hostile_pdf() -> bytes:
    # One page of 14,173 × 14,173 pt (5 m × 5 m): 1.6 billion pixels at 200 dpi.
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 14173 14173]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return body


def _speed(pages: int, seed: int) -> None:
    from phieukin.paper.omr.worker import PageReader

    folder = OUT / "speed"
    folder.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, str, int]] = []
    manifest = folder / f"pages-{seed}-{pages}.txt"
    if manifest.exists():
        files = [(str(folder / n), n, 0) for n in manifest.read_text().split()]
    else:
        names = []
        with mp.get_context("fork").Pool(WORKERS, initializer=_init_worker) as pool:
            for c, copy_pages in enumerate(
                pool.imap(_speed_copy, ((seed + 1, c) for c in range(pages // 2)), chunksize=4)
            ):
                for p, (data, name) in enumerate(copy_pages):
                    fname = f"{seed}-{c:05d}-{p}{Path(name).suffix}"
                    (folder / fname).write_bytes(data)
                    names.append(fname)
        manifest.write_text("\n".join(names))
        files = [(str(folder / n), n, 0) for n in names]
    files.append((_hostile_pdf(), "hostile.pdf", 0))  # type: ignore[arg-type]
    size_mb = sum(Path(f[0]).stat().st_size for f in files[:-1]) / 1e6
    for label, batch in (("small batch", files[:60]), ("whole batch", files)):
        peak_parent = peak_worker = peak_total = 0.0
        with PageReader(_layouts(), workers=WORKERS) as reader:
            list(reader.read_many(files[:2]))  # start the workers
            started = time.perf_counter()
            refused: Counter[str] = Counter()
            for n, result in enumerate(reader.read_many(batch)):
                if result.refusal:
                    refused[result.refusal] += 1
                if n % 10 == 0:
                    parent = _rss_mb(os.getpid())
                    workers = [_rss_mb(pid) for pid in reader.worker_pids()]
                    peak_parent = max(peak_parent, parent)
                    peak_worker = max([peak_worker, *workers])
                    peak_total = max(peak_total, parent + sum(workers))
            wall = time.perf_counter() - started
        print(
            f"{label}: {len(batch)} files ({size_mb if label == 'whole batch' else 0:.0f} MB of "
            f"scans), PageReader with {WORKERS} workers: {len(batch) / wall:.1f} pages/s wall; "
            f"peak RSS parent {peak_parent:.0f} MB, one worker {peak_worker:.0f} MB, "
            f"all together {peak_total:.0f} MB; refused {dict(refused)}"
        )


def _speed_copy(args: tuple[int, int]) -> list[tuple[bytes, str]]:
    seed, copy = args
    return [_encode(page.image, plan["profile"]) for page, plan in _copy_pages(seed, copy, 0.0)]


def main() -> None:
    """Generate and read the corpus; print accuracy, throughput and memory."""
    _setup()
    pages = int(_env("BENCH_OMR_PAGES", "1000"))
    seed = int(_env("BENCH_OMR_SEED", "2027"))
    stress = float(_env("BENCH_OMR_STRESS", "0.15"))
    speed_pages = int(_env("BENCH_OMR_SPEED_PAGES", "600"))
    print(
        f"machine load average (1 min) at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    _accuracy(pages, seed, stress)
    if speed_pages:
        _speed(speed_pages, seed)
    print(f"machine load average (1 min) at end: {os.getloadavg()[0]:.1f}")
