"""OMR reader: throughput, memory and accuracy over thousands of generated ballot pages.

Run with ``python -m bench omr``. Pages come from the corpus generator
(:mod:`phieukin.paper.corpus`), which is independent of the reader; the seeds here
(``BENCH_OMR_SEED``, default 2027) are not those the reader was tuned on.

Two parts:

1. **Accuracy** over ``BENCH_OMR_PAGES`` pages (default 1,000; the issue's full size is
   31,000 pages, ≈ 1.5 million mark positions). The corpus is streamed: copies are
   generated, read and counted a few at a time (never more than ``4 × workers`` in
   flight) and only the counts are kept, so memory does not grow with the size; with
   ``BENCH_OMR_MINUTES`` the run stops taking new copies after that many minutes and
   reports exactly what it read. Pages are generated and read in ``BENCH_OMR_WORKERS``
   (default 2) worker processes, each page encoded
   as a scanner or phone gives it (through JPEG; 1-bit pages as 1-bit PNG files) and read
   by the product's own functions (:func:`phieukin.paper.omr.worker.read_image`, and
   :func:`~phieukin.paper.omr.worker.read_one` for files).
   Nothing is cached on disk. Copies (both pages of a printed ballot) follow the
   *product mix*: mostly clear ticks and crosses, some pencil, rare doubtful marks, and
   page styles from clean scans to phone photos, 1-bit scans and pages of another box.
   A further ``BENCH_OMR_STRESS`` share of copies (default 0.15) draws every item style
   equally often, for per-style figures; those copies are left out of the review shares.
2. **Throughput and memory**: ``BENCH_OMR_SPEED_PAGES`` (default 600) pages written as
   files and read by :class:`phieukin.paper.omr.worker.PageReader` with the same number
   of worker processes under their memory limit, as the product reads an upload. The
   baseline, measured in the same run on the same files with as many processes, is a
   minimal OpenCV sheet reader (decode, markers, warp, QR, share of dark pixels per box,
   no calibration and no doubt); the two are run in alternating slices so that the load
   of the machine weighs on both alike. Printed: pages per second (wall), CPU
   milliseconds per page (the workers' own CPU time from ``/proc``), the ratio of the
   product to the baseline, the resident memory of the parent and of the workers for a
   small batch and for the whole (memory does not grow with the batch), and the refusal
   of a hostile file (a 1 KB PDF declaring a 5 m × 5 m page) read in the same pool.

With ``BENCH_OMR_DUMP=DIR`` every silent error is written to DIR (its measurements and
a crop of its row, see :mod:`bench._omr_dump`).

It prints per style (items, read as drawn, sent to review, silent errors), per page
style (refused as expected, read, wrong), the shares of clear marks and of copies sent
to review, the load average and the nice value. Silent errors are split three ways: on
copies sent to review for another item or not; on the product mix's own copies (the
stress copies, where doubtful marks are about 85 times as frequent and which nearly
always go to review, left out); and, as an estimate, the rate to expect on the mix
(each style's miss rate weighted by its share of the mix). Nothing here asserts.
"""

from __future__ import annotations

import io
import multiprocessing as mp
import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out" / "omr"
WORKERS = int(os.environ.get("BENCH_OMR_WORKERS", "2"))
FULL_PAGES = 31_000  # the size: ≥ 1.5 million mark positions (≈ 48 boxes a page)


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phieukin.config.settings")
    import cv2
    import django

    django.setup()
    cv2.setNumThreads(1)


def _corpus(kind: str) -> Any:
    from phieukin.paper.corpus.mix import corpus

    return corpus(kind)


def _layouts() -> dict[tuple[str, int], Any]:
    from phieukin.paper.corpus.mix import layouts

    return layouts()


def _init_worker() -> None:
    from phieukin.paper.omr import worker

    _setup()
    worker._init(_layouts(), 0)


def _plan(seed: int, copy: int, stress_share: float) -> dict[str, Any]:
    from dataclasses import asdict

    from phieukin.paper.corpus.mix import plan_copy

    return asdict(plan_copy(seed, copy, stress_share))


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
    """Generate the pages of one printed copy of the product mix: (SynthPage, plan)."""
    from dataclasses import asdict

    from phieukin.paper.corpus.mix import copy_pages

    return [(page, asdict(plan)) for page, plan in copy_pages(seed, copy, stress_share)]


def _may_refuse(profile: str) -> tuple[str, ...]:
    from phieukin.paper.corpus.capture import MAY_REFUSE

    return MAY_REFUSE.get(profile, ())


def _mix_baseline(pages: int, seed: int, initializer: Any) -> dict[str, Any]:
    """Read the product mix (no stress copies) over about ``pages`` pages: the baseline
    the other reader benchmarks print beside their own figures.

    ``initializer`` starts each worker (it must give the reader the mix's layouts).
    Returns the pages drawn and read, the reader's CPU, clear items and pages sent to
    review, and silent errors; pages the mix expects refused, or refused, are not read.
    """
    counts = Counter[str]()
    cpu = 0.0
    started = time.perf_counter()
    with mp.get_context("fork").Pool(WORKERS, initializer=initializer) as pool:
        jobs = ((seed, c, 0.0) for c in range((pages + 1) // 2))
        for result in _stream(pool, _judge_copy, jobs, 4 * WORKERS):
            cpu += result["cpu"]
            counts["drawn"] += len(result["pages"])
            for record in result["pages"]:
                if record["expected"] or record["refusal"]:
                    continue
                counts["pages_read"] += 1
                verdicts = [item[2] for item in record["items"]]
                counts["pages_review"] += "review" in verdicts
                for _, is_clear, verdict, *_rest in record["items"]:
                    counts["clear"] += is_clear
                    counts["clear_review"] += is_clear and verdict == "review"
                    counts["silent"] += verdict == "wrong"
    keys = ("drawn", "pages_read", "pages_review", "clear", "clear_review", "silent")
    return {key: counts[key] for key in keys} | {
        "cpu": cpu,
        "wall": time.perf_counter() - started,
    }


def _print_breakdown(
    by_style: dict[str, Counter[str]],
    by_group: dict[str, Counter[str]],
    group: str,
    reasons: Counter[str],
    errors: list[str],
) -> None:
    """Print a sample's per-style and per-``group`` tables, its review reasons and errors
    (``omr_second`` groups pages by capture, ``omr_sample`` by page style)."""
    print("per item style: items / read as drawn / sent to review / silent errors")
    for style, c in sorted(by_style.items(), key=lambda kv: -sum(kv[1].values())):
        print(
            f"  {style:<14} {sum(c.values()):>7} {c['right']:>7} {c['review']:>7} {c['wrong']:>4}"
        )
    print(f"per {group}:")
    for key, c in sorted(by_group.items()):
        details = ", ".join(f"{k} {v}" for k, v in sorted(c.items()) if k != "pages" and v)
        print(f"  {key:<22} {c['pages']:>5} pages: {details}")
    print("review reasons (drawn style → reason), most common:")
    for reason, count in reasons.most_common(15):
        print(f"  {reason}: {count}")
    for line in errors[:60]:
        print("  ERROR", line)


def _stream(pool: Any, func: Any, jobs: Iterator[Any], window: int) -> Iterator[Any]:
    """Yield ``func(job)`` for every job, at most ``window`` in flight, in any order.

    The jobs are drawn from the iterator only as results come back, so a corpus of any
    size is never held in memory (``Pool.imap`` would read the whole iterator ahead).
    """
    import queue

    done: queue.SimpleQueue[Any] = queue.SimpleQueue()
    in_flight = 0
    for job in jobs:
        pool.apply_async(func, (job,), callback=done.put, error_callback=done.put)
        in_flight += 1
        if in_flight >= window:
            result = done.get()
            in_flight -= 1
            if isinstance(result, BaseException):
                raise result
            yield result
    while in_flight:
        result = done.get()
        in_flight -= 1
        if isinstance(result, BaseException):
            raise result
        yield result


def _judge_copy(args: tuple[int, int, float]) -> dict[str, Any]:
    """Generate and read one copy; return its counts (the worker's whole answer)."""
    from phieukin.paper.corpus.mix import BOX_ID
    from phieukin.paper.omr.worker import read_image, read_one

    seed, copy, stress_share = args
    out: dict[str, Any] = {"pages": [], "cpu": 0.0}
    dump = os.environ.get("BENCH_OMR_DUMP", "")
    for number, (page, plan) in enumerate(_copy_pages(seed, copy, stress_share), 1):
        started = time.process_time()
        if plan["profile"] == "bilevel":
            # A 1-bit file, as a fax or a black-and-white scan setting makes it.
            data, name = _encode(page.image, "bilevel")
            result = read_one(data, name, 0)
        else:
            # The capture already went through JPEG; the reader gets the decoded image.
            result = read_image(page.image)
        out["cpu"] += time.process_time() - started
        record: dict[str, Any] = {
            "plan": plan,
            "refusal": result.refusal,
            "items": [],
            "copy": f"{copy}/{number}",
        }
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
        record["may_refuse"] = _may_refuse(plan["profile"])
        if reading is not None and not record["refusal"]:
            for item in reading.items:
                truth = page.truth[item.item_key]
                verdict = truth.judge(item.status, item.option_index)
                left = None
                if verdict == "wrong" and item.status == "empty" and truth.inked:
                    # A mark read as "no answer": is it still in the image the reader got?
                    from phieukin.paper.corpus.mix import mark_left

                    trace = mark_left(seed, copy, stress_share, number - 1, item.item_key)
                    left = trace.mean_left
                if verdict == "wrong" and dump:
                    from bench._omr_dump import dump_error

                    name = f"{seed}-{copy:05d}-{number}-{item.item_key}"
                    dump_error(dump, name, page.image, item.item_key, truth, plan, left)
                record["items"].append(
                    (
                        truth.style,
                        truth.clear,
                        verdict,
                        item.reason,
                        len(item.fills),
                        left,
                        item.item_key,
                        item.status,
                    )
                )
        out["pages"].append(record)
    return out


def _copies_for(pages: int, seed: int, stress_share: float) -> int:
    """Return how many printed copies hold at least ``pages`` pages, as planned.

    A copy of the sample questionnaire has two pages and one of the small one a single
    page; the plan of each copy (drawn from the seed) says which it is.
    """
    from phieukin.paper.corpus.deck import sample_spec, small_spec
    from phieukin.paper.layout import build_layout

    two = build_layout(sample_spec()).page_count
    one = build_layout(small_spec(items=7, options=3)).page_count
    per_kind = {"sample": two, "other_box": two, "small": one, "other_version": one}
    planned = copies = 0
    while planned < pages:
        planned += per_kind[_plan(seed, copies, stress_share)["kind"]]
        copies += 1
    return max(1, copies)


def _asked(rows: list[tuple[str, str, str, bool]]) -> tuple[int, int, int]:
    """Return what a person is asked on one read copy beyond the reader's doubts.

    *rows* are the copy's items as (key, status read, verdict, clear). As the scan service
    does (:func:`phieukin.paper.omr.asking.rows_to_ask`), a copy with a doubt has every row
    read as "no answer" asked too. Returns the rows so asked, the marks the reader missed
    among them, and those of them drawn clear (a clear mark or a blank).
    """
    from phieukin.paper.omr.asking import rows_to_ask

    asked = rows_to_ask({key: status for key, status, _verdict, _clear in rows})
    extra = [
        (verdict, clear)
        for key, status, verdict, clear in rows
        if status == "empty" and key in asked
    ]
    return (
        len(extra),
        sum(verdict == "wrong" for verdict, _ in extra),
        sum(clear for _, clear in extra),
    )


def _accuracy(pages: int, seed: int, stress_share: float, minutes: float) -> None:
    import resource

    from phieukin.paper.corpus.mix import ERASED_LEFT

    copies = _copies_for(pages, seed, stress_share)
    started = time.perf_counter()
    deadline = started + 60 * minutes if minutes > 0 else float("inf")
    submitted = 0
    loads: list[float] = []
    by_style: dict[str, Counter[str]] = {}
    by_profile: dict[str, Counter[str]] = {}
    reasons: Counter[str] = Counter()
    errors: list[str] = []
    cpu = 0.0
    page_count = positions = 0
    mix_clear = mix_clear_review = mix_copies = mix_copies_review = 0
    mix_marks = mix_marks_review = 0
    refused_wrongly = accepted_wrongly = wrong_sheet = refused_acceptably = 0
    copies_done = 0
    erased_by_capture: list[str] = []
    # Silent errors on copies that go to review for another item: the reviewer checks the
    # whole copy, every row drawn on its page, against the paper sheet (paper/review.html).
    silent_on_reviewed = 0
    # The product mix's own copies, apart from the stress copies: positions and silent
    # errors (all, and on copies no person looks at).
    mix_positions = mix_silent = mix_silent_unseen = 0
    # On a copy a person checks, every row read as "no answer" is asked of that person
    # too (paper/omr/asking.py, as the scan service does): the rows asked so, the marks
    # the reader missed among them, and the wrong options shown as a digit on such copies
    # (a person sees them on the page but is not asked). On the mix's copies: rows asked.
    asked_rows = asked_missed = wrong_votes_seen = 0
    mix_asked_rows = mix_rows = mix_asked_clear = 0
    # Copies of the product mix sent to review although every item sent was clear (or
    # blank): by page style, and by what was drawn and why it was sent.
    needless_by_profile: Counter[str] = Counter()
    needless_reasons: Counter[str] = Counter()
    mix_copies_by_profile: Counter[str] = Counter()
    loads.append(os.getloadavg()[0])

    def report(final: bool) -> None:
        wall = time.perf_counter() - started
        silent = sum(c["wrong"] for c in by_style.values())
        print("FINAL" if final else "PARTIAL (the run goes on)")
        stopped = (
            f" — stopped by BENCH_OMR_MINUTES={minutes:g} after {copies_done} copies"
            if final and copies_done < copies
            else ""
        )
        print(
            f"accuracy: {page_count} pages of {copies_done} printed copies ({copies} planned"
            f"{stopped}), {positions} mark positions (boxes), generated and read in {wall:.0f} s "
            f"with {WORKERS} workers; seed {seed}"
        )
        load = f"{min(loads):.1f}–{max(loads):.1f}" if loads else "?"
        print(
            f"load average (1 min) during the run {load} on {os.cpu_count()} cores; "
            f"nice {os.nice(0)}; peak RSS of this process "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
        print(
            f"reader CPU (decode + read_page) {1000 * cpu / max(page_count, 1):.1f} ms per page "
            f"→ {WORKERS * page_count / max(cpu, 1e-9):.1f} pages/s on {WORKERS} idle cores"
        )
        print(
            f"silent errors: {silent}; wrong sheet id: {wrong_sheet}; of the silent errors, "
            f"marks the capture erased (read as no answer, stroke left under {ERASED_LEFT} "
            f"deep in the captured image): {len(erased_by_capture)}"
            + (f" ({'; '.join(erased_by_capture[:10])})" if erased_by_capture else "")
        )
        print(
            f"of the silent errors, on copies sent to review for another item (the person "
            f"checks the whole copy against the paper): {silent_on_reviewed}; on copies no "
            f"person looks at: {silent - silent_on_reviewed}"
        )
        print(
            f"asked of a person on the copies sent to review (every row read as no answer, "
            f"paper/omr/asking.py): {asked_rows} rows, {asked_missed} of them marks the reader "
            f"missed; silent errors left, a row stored without a person deciding it: "
            f"{silent - asked_missed} ({silent - silent_on_reviewed} on copies no person looks "
            f"at, {wrong_votes_seen} a wrong option shown as a digit on a reviewed copy)"
        )
        put = mix_clear_review + mix_asked_clear
        print(
            f"product mix: rows read as no answer asked on its copies sent to review "
            f"{mix_asked_rows}, {mix_asked_rows / max(mix_copies_review, 1):.2f} per such copy "
            f"({100 * mix_asked_rows / max(mix_rows, 1):.2f} % of the mix's rows); clear marks "
            f"and blanks put to a person, those asked so counted: {put} of {mix_clear} "
            f"({100 * put / max(mix_clear, 1):.2f} %)"
        )
        print(
            f"on the product mix's own copies (the stress copies left out): {mix_silent} "
            f"silent errors in {mix_positions} positions, {mix_silent_unseen} on copies no "
            "person looks at"
        )
        print(_mix_estimate(by_style, positions, mix_copies_review / max(mix_copies, 1)))
        print(
            f"pages refused that had to be read: {refused_wrongly}; "
            f"pages read that had to be refused: {accepted_wrongly}; crumpled pages refused "
            f"with a rescan asked for (either is right): {refused_acceptably}"
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
        needless = sum(needless_by_profile.values())
        print(
            f"product-mix copies sent to review only for clear marks or blanks: {needless} of "
            f"{mix_copies} ({100 * needless / max(mix_copies, 1):.1f} %); by page style "
            "(such copies / copies of that style):"
        )
        for profile, count in needless_by_profile.most_common():
            print(f"  {profile:<22} {count:>5} / {mix_copies_by_profile[profile]}")
        print("  what sent them (drawn style → reason, items):")
        for reason, count in needless_reasons.most_common(12):
            print(f"    {reason}: {count}")
        print("review reasons (drawn style → reason), most common:")
        for reason, count in reasons.most_common(12):
            print(f"  {reason}: {count}")
        for line in errors:
            print("  ERROR", line)

    def jobs() -> Iterator[tuple[int, int, float]]:
        nonlocal submitted
        for c in range(copies):
            if time.perf_counter() > deadline:
                return
            submitted += 1
            yield (seed, c, stress_share)

    with mp.get_context("fork").Pool(WORKERS, initializer=_init_worker) as pool:
        stream = _stream(pool, _judge_copy, jobs(), 4 * WORKERS)
        for done, result in enumerate(stream, 1):
            copies_done = done
            cpu += result["cpu"]
            copy_review = False
            copy_wrong = 0
            copy_mix = False
            copy_doubtful_review = False
            copy_clear_reasons: list[str] = []
            copy_profile = ""
            copy_rows: list[tuple[str, str, str, bool]] = []  # key, status read, verdict, clear
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
                if refusal and refusal in record["may_refuse"]:
                    counts[f"refused, rescan asked ({refusal})"] += 1
                    refused_acceptably += 1
                    continue
                if refusal:
                    counts[f"refused ({refusal})"] += 1
                    refused_wrongly += 1
                    continue
                wrong_sheet += bool(record.get("wrong_sheet"))
                counts["read"] += 1
                copy_mix = not plan["stress"]
                copy_profile = key
                for style, clear, verdict, reason, boxes, left, key, status in record["items"]:
                    copy_rows.append((key, status, verdict, clear))
                    mix_rows += 0 if plan["stress"] else 1
                    positions += boxes
                    mix_positions += 0 if plan["stress"] else boxes
                    style_counts = by_style.setdefault(style, Counter())
                    style_counts[verdict] += 1
                    counts[f"items {verdict}"] += 1
                    if verdict == "review":
                        copy_review = True
                        reasons[f"{style} → {reason}"] += 1
                        if clear or style == "blank":
                            copy_clear_reasons.append(f"{style} → {reason}")
                        else:
                            copy_doubtful_review = True
                    if left is not None and left < ERASED_LEFT:
                        erased_by_capture.append(
                            f"{style} in copy {record['copy']} ({key}), {left:.4f} left"
                        )
                    copy_wrong += verdict == "wrong"
                    if verdict == "wrong" and len(errors) < 20:
                        errors.append(
                            f"{key}: {style} read wrongly ({reason or 'no doubt'}) "
                            f"in copy {record['copy']}"
                        )
                    if not plan["stress"] and clear:
                        mix_clear += 1
                        mix_clear_review += verdict == "review"
                        if style != "blank":
                            mix_marks += 1
                            mix_marks_review += verdict == "review"
            if copy_review:
                silent_on_reviewed += copy_wrong
            rows, missed, clear_rows = _asked(copy_rows)
            asked_rows += rows
            asked_missed += missed
            mix_asked_rows += rows if copy_mix else 0
            mix_asked_clear += clear_rows if copy_mix else 0
            for _key, status, verdict, _clear in copy_rows:
                wrong_votes_seen += copy_review and verdict == "wrong" and status == "marked"
            if copy_mix:
                mix_silent += copy_wrong
                mix_silent_unseen += 0 if copy_review else copy_wrong
                mix_copies += 1
                mix_copies_review += copy_review
                mix_copies_by_profile[copy_profile] += 1
                if copy_review and not copy_doubtful_review:
                    needless_by_profile[copy_profile] += 1
                    needless_reasons.update(copy_clear_reasons)
            if done % 50 == 0:
                loads.append(os.getloadavg()[0])
                silent_so_far = sum(c["wrong"] for c in by_style.values())
                print(
                    f"  … {done}/{copies} copies, {page_count} pages, {positions} positions, "
                    f"{time.perf_counter() - started:.0f} s; silent errors {silent_so_far}; "
                    f"clear marks to review {mix_marks_review}/{mix_marks}; copies to review "
                    f"{mix_copies_review}/{mix_copies}; refused wrongly {refused_wrongly}, "
                    f"accepted wrongly {accepted_wrongly}",
                    flush=True,
                )
            if done % 500 == 0 and done < copies:
                report(False)
    report(True)


def _mix_estimate(by_style: dict[str, Counter[str]], positions: int, reviewed: float) -> str:
    """Return the silent errors to expect on the product mix, from this run's miss rates.

    The stress copies draw every style equally often, so doubtful marks are about 85
    times as frequent on them as on the mix, and those copies nearly always go to review
    for another item. Here each item style's share of silent errors in the run is
    weighted by its share of the mix (``MIX_STYLES``); ``reviewed`` is the share of the
    mix's copies sent to review, and a silent error on any other copy reaches the box
    unseen. A style with no silent error in the run counts as none, so with few errors
    this is a rough figure, printed with the count it rests on.
    """
    from phieukin.paper.corpus.mix import MIX_STYLES

    totals = {style: sum(c.values()) for style, c in by_style.items()}
    items = sum(totals.values())
    if not items or not positions:
        return "expected on the product mix: nothing read yet"
    weight = sum(MIX_STYLES.values())
    mixed = [style for style in MIX_STYLES if totals.get(style)]
    per_item = sum(
        MIX_STYLES[style] / weight * by_style[style]["wrong"] / totals[style] for style in mixed
    )
    basis = sum(by_style[style]["wrong"] for style in mixed)
    if not basis:
        return "expected on the product mix: no item style had a silent error in this run"
    per_position = per_item * items / positions
    unseen = per_position * (1.0 - reviewed)
    return (
        f"expected on the product mix (each style's miss rate in this run, weighted by its "
        f"share of the mix; from {basis} silent errors): 1 in {1 / per_position:.0f} "
        f"positions, 1 in {1 / unseen:.0f} on copies no person looks at "
        f"({100 * reviewed:.1f} % of its copies reviewed)"
    )


def _rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Return a process's resident memory now (VmRSS) or its peak so far (VmHWM), in MB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _pss_mb(pid: int) -> float:
    """Return a process's proportional resident memory (PSS) now, in MB.

    Pages a process shares with others (the libraries' code, what a forked child still
    shares with its parent) count in full in each one's RSS, so adding RSS counts them
    twice or thrice; PSS gives each process its share of them, and the PSS of a set of
    processes adds up to the memory they hold together.
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _forkserver_pid() -> int | None:
    """Return the pid of multiprocessing's fork server (it starts the reading workers)."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    return pid if isinstance(pid, int) else None


def _hostile_pdf() -> bytes:
    # One page of 14,173 × 14,173 pt (5 m × 5 m): 1.6 billion pixels at 200 dpi.
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 14173 14173]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return body


def _cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process has used so far."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _baseline_init() -> None:
    import cv2

    cv2.setNumThreads(1)


def _decode_page(path: str) -> int:
    """Only decode the file: the floor under every reader's cost."""
    import cv2

    image = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    return -1 if image is None else int(image.shape[0])


def _baseline_page(path: str) -> int:
    """Read a page as a minimal OpenCV sheet reader does; return the options found.

    Decode, find the corner markers on a reduced copy, warp the page to 6 px/mm, decode
    the QR, binarise (Otsu) and take in each row the box with the most dark pixels, if
    any. No calibration, no halo, no doubt: the floor any reader's cost stands on.
    """
    import cv2
    import numpy as np
    import zxingcpp

    from phieukin.paper.corpus.deck import sample_spec, small_spec
    from phieukin.paper.layout import MARKER_IDS, PAGE_H, PAGE_W, build_layout, marker_rects

    global _baseline_layouts
    if not _baseline_layouts:
        for spec in (sample_spec(), small_spec(items=7, options=3)):
            _baseline_layouts[spec.code] = build_layout(spec)
    gray = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if gray is None:
        return -1
    small, factor = gray, 1.0
    while max(small.shape) > 1500:
        small, factor = cv2.pyrDown(small), factor / 2
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    corners, ids, _rejected = cv2.aruco.ArucoDetector(dictionary).detectMarkers(small)
    if ids is None:
        return -1
    rects = marker_rects()
    src, dst = [], []
    for quad, marker in zip(corners, ids.ravel(), strict=True):
        if int(marker) in MARKER_IDS:
            r = rects[MARKER_IDS.index(int(marker))]
            src += [(r.x, r.y), (r.x + r.w, r.y), (r.x + r.w, r.y + r.h), (r.x, r.y + r.h)]
            dst += [tuple(p) for p in quad.reshape(4, 2) / factor]
    if len(src) < 12:
        return -1
    matrix, _mask = cv2.findHomography(np.array(src), np.array(dst), 0)
    scale = np.array([[1 / 6, 0, 0], [0, 1 / 6, 0], [0, 0, 1]])
    page = cv2.warpPerspective(
        gray, matrix @ scale, (round(PAGE_W * 6), round(PAGE_H * 6)), flags=cv2.WARP_INVERSE_MAP
    )
    texts = [r.text for r in zxingcpp.read_barcodes(page) if r.valid]
    if not texts:
        return -1
    code = texts[0].split("|q=")[1].split(":")[0] if "|q=" in texts[0] else ""
    layout = _baseline_layouts.get(code)
    if layout is None:
        return -1
    number = int(texts[0].split("|p=")[1].split("/")[0])
    _t, binary = cv2.threshold(page, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    found = 0
    for item in layout.page(number).items:
        shares = [
            float(
                binary[
                    round(b.y * 6) + 4 : round((b.y + b.h) * 6) - 4,
                    round(b.x * 6) + 4 : round((b.x + b.w) * 6) - 4,
                ].mean()
            )
            for b in item.boxes
        ]
        found += max(shares) > 0.05
    return found


_baseline_layouts: dict[str, Any] = {}


def _speed(pages: int, seed: int) -> None:
    from phieukin.paper.omr.worker import PageReader

    folder = OUT / "speed"
    folder.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, str, int]] = []
    manifest = folder / f"pages-{seed}-{pages}.txt"
    if manifest.exists():
        files = [(str(folder / n), n, 0) for n in manifest.read_text().split()]
    else:
        # The generating processes write the files themselves and return only their names:
        # the scans never pass through this process, whose memory is reported below.
        names = []
        with mp.get_context("fork").Pool(WORKERS, initializer=_init_worker) as pool:
            jobs = ((seed + 1, c, str(folder), seed) for c in range(pages // 2))
            for written in pool.imap(_speed_copy, jobs, chunksize=4):
                names.extend(written)
        manifest.write_text("\n".join(names))
        files = [(str(folder / n), n, 0) for n in names]
    size_mb = sum(Path(f[0]).stat().st_size for f in files) / 1e6
    slices = 3
    chunk = -(-len(files) // slices)
    base_wall = base_cpu = read_wall = read_cpu = decode_wall = decode_cpu = 0.0
    peak_parent = peak_worker = peak_total = small_total = 0.0
    peak_product_rss = peak_product_pss = small_product_pss = 0.0
    small_peaks: list[float] = []
    refused: Counter[str] = Counter()
    loads = [os.getloadavg()[0]]
    print(
        f"throughput: {len(files)} page files ({size_mb:.0f} MB of scans), {WORKERS} worker "
        f"processes each, in {slices} alternating slices (decoding only, the baseline reader, "
        f"then the product's reader)"
    )
    with (
        mp.get_context("fork").Pool(WORKERS, initializer=_baseline_init) as base_pool,
        PageReader(_layouts(), workers=WORKERS) as reader,
    ):
        list(reader.read_many(files[:2]))  # start the workers
        base_pool.map(_baseline_page, [f[0] for f in files[:2]])
        base_pids = [p.pid for p in base_pool._pool]  # type: ignore[attr-defined]
        server = _forkserver_pid()
        parent_before = _rss_mb(os.getpid())
        for k in range(slices):
            part = files[k * chunk : (k + 1) * chunk]
            if not part:
                continue
            cpu0 = sum(_cpu_seconds(pid) for pid in base_pids)
            t0 = time.perf_counter()
            base_pool.map(_decode_page, [f[0] for f in part], chunksize=2)
            decode_wall += time.perf_counter() - t0
            decode_cpu += sum(_cpu_seconds(pid) for pid in base_pids) - cpu0

            cpu0 = sum(_cpu_seconds(pid) for pid in base_pids)
            t0 = time.perf_counter()
            base_pool.map(_baseline_page, [f[0] for f in part], chunksize=2)
            base_wall += time.perf_counter() - t0
            base_cpu += sum(_cpu_seconds(pid) for pid in base_pids) - cpu0

            pids = reader.worker_pids()
            cpu0 = sum(_cpu_seconds(pid) for pid in pids)
            t0 = time.perf_counter()
            for n, result in enumerate(reader.read_many(part)):
                if result.refusal:
                    refused[result.refusal] += 1
                if n % 10 == 0:
                    parent = _rss_mb(os.getpid())
                    workers = [_rss_mb(pid) for pid in reader.worker_pids()]
                    peak_parent = max(peak_parent, parent)
                    peak_worker = max([peak_worker, *workers])
                    peak_total = max(peak_total, parent + sum(workers))
                    # The product's own processes: the reading workers and the fork
                    # server that starts them (not this process, which made the files).
                    product = [*reader.worker_pids(), *([server] if server else [])]
                    peak_product_rss = max(peak_product_rss, sum(_rss_mb(pid) for pid in product))
                    peak_product_pss = max(peak_product_pss, sum(_pss_mb(pid) for pid in product))
                    if k == 0 and n < 60:
                        small_total = peak_total
                        small_product_pss = peak_product_pss
            read_wall += time.perf_counter() - t0
            read_cpu += sum(_cpu_seconds(pid) for pid in reader.worker_pids()) - cpu0
            loads.append(os.getloadavg()[0])
            if k == 0:
                small_peaks = [_rss_mb(pid, "VmHWM") for pid in reader.worker_pids()]
        worker_peaks = [_rss_mb(pid, "VmHWM") for pid in reader.worker_pids()]
        hostile = reader.read(_hostile_pdf(), "hostile.pdf", 0)
    n = len(files)
    product_rate, base_rate = n / read_wall, n / base_wall
    print(
        f"  product reader (PageReader, {WORKERS} workers): {product_rate:.1f} pages/s wall, "
        f"{1000 * read_cpu / n:.0f} ms CPU per page (workers)"
    )
    print(
        f"  baseline (minimal OpenCV reader, {WORKERS} workers): {base_rate:.1f} pages/s wall, "
        f"{1000 * base_cpu / n:.0f} ms CPU per page"
    )
    print(
        f"  floor (decoding the files only, {WORKERS} workers): {n / decode_wall:.1f} pages/s "
        f"wall, {1000 * decode_cpu / n:.0f} ms CPU per page"
    )
    print(
        f"  ratio product / baseline: {product_rate / base_rate:.2f} × the pages per second, "
        f"{read_cpu / max(base_cpu, 1e-9):.2f} × the CPU per page; on {WORKERS} idle cores "
        f"the product's CPU time gives {WORKERS * n / max(read_cpu, 1e-9):.1f} pages/s"
    )
    print(
        f"  load average (1 min) {min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} cores, "
        f"nice {os.nice(0)}"
    )
    print(
        f"  memory: peak RSS of the calling process (this benchmark) {peak_parent:.0f} MB, one "
        f"reading worker {peak_worker:.0f} MB, all together {small_total:.0f} MB for the first "
        f"60 files and {peak_total:.0f} MB for all "
        f"{n}; refused {dict(refused)}; the hostile 1 KB PDF (5 m × 5 m page): "
        f"{hostile.refusal or 'read?!'}"
    )
    print(
        f"  the product's memory (the {WORKERS} reading workers and the fork server that "
        f"starts them): {small_product_pss:.0f} MB (PSS) for the first 60 files, "
        f"{peak_product_pss:.0f} MB (PSS) and {peak_product_rss:.0f} MB (RSS added up) for all "
        f"{n}; the calling process (this benchmark: Django, the corpus generator, the "
        f"baselines' pool) {parent_before:.0f} MB before reading, {peak_parent:.0f} MB at "
        "most while reading"
    )
    # The samples above are taken between pages; a page's own working set comes and goes
    # in between. The kernel's high-water marks (VmHWM) are each process's true peak; their
    # sum bounds what the reading ever held at once.
    print(
        f"  memory high-water marks: reading workers {[round(p) for p in worker_peaks]} MB "
        f"(after the first slice {[round(p) for p in small_peaks]} MB), this process "
        f"{_rss_mb(os.getpid(), 'VmHWM'):.0f} MB; workers' peaks together "
        f"{sum(worker_peaks):.0f} MB; the fork server "
        f"{_rss_mb(server, 'VmHWM') if server else 0:.0f} MB"
    )


def _speed_copy(args: tuple[int, int, str, int]) -> list[str]:
    """Generate one copy's page files into ``folder``; return their names."""
    seed, copy, folder, prefix = args
    names = []
    for p, (page, plan) in enumerate(_copy_pages(seed, copy, 0.0)):
        data, name = _encode(page.image, plan["profile"])
        fname = f"{prefix}-{copy:05d}-{p}{Path(name).suffix}"
        (Path(folder) / fname).write_bytes(data)
        names.append(fname)
    return names


def main() -> None:
    """Generate and read the corpus; print accuracy, throughput and memory."""
    _setup()
    pages = int(_env("BENCH_OMR_PAGES", "1000"))
    seed = int(_env("BENCH_OMR_SEED", "2027"))
    stress = float(_env("BENCH_OMR_STRESS", "0.15"))
    speed_pages = int(_env("BENCH_OMR_SPEED_PAGES", "600"))
    minutes = float(_env("BENCH_OMR_MINUTES", "0"))
    print(
        f"machine load average (1 min) at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
        f"cores; BENCH_OMR_PAGES={pages} (the full size is {FULL_PAGES}), {WORKERS} workers"
    )
    if pages:
        _accuracy(pages, seed, stress, minutes)
    if speed_pages:
        _speed(speed_pages, seed)
    print(f"machine load average (1 min) at end: {os.getloadavg()[0]:.1f}")
