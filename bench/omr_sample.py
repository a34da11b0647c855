"""OMR reader on a targeted sample: every item of every page drawn in the styles asked for.

Run with ``python -m bench omr_sample``. The product mix (``bench/omr.py``) draws a
doubtful style for 1 item in 160, so a wrong reading that one erased cross in ten
thousand provokes needs a sample of that style alone to be seen. Each page is drawn by
:func:`phieukin.paper.corpus.mix.sample_page` from the random stream ``[seed, number]``
(so a page found here can be kept in a test by its seed and number), captured in a page
style drawn evenly from those asked for, and read by the product's worker
(:func:`phieukin.paper.omr.worker.read_image`) in ``BENCH_OMR_WORKERS`` processes.

Settings: ``BENCH_SAMPLE_PAGES`` (default 300), ``BENCH_SAMPLE_SEED`` (default 57),
``BENCH_SAMPLE_STYLES`` (comma-separated item styles; default every style a person may
be asked about: faint marks, erased marks, smudges, strays, spills, corrections and double
marks), ``BENCH_SAMPLE_PROFILES`` (comma-separated page styles; default every style that
must be read). For example, the erased-mark sample of ``docs/BENCHMARKS.md``::

    DEBUG=1 BENCH_SAMPLE_PAGES=5000 BENCH_SAMPLE_STYLES=erased,erased_new \\
        python -m bench omr_sample

Printed: pages read and refused (by reason), per item style and per page style (items,
read as drawn, sent to review, silent errors), the commonest review reasons, and every
silent error with the page that rebuilds it. A silent error here is a wrong vote or a
mark stored as "no answer" without review. The baseline, read in the same run by the same
workers, is the first deck's product mix over a tenth as many pages: the reader's CPU per
page on the sample against the mix's. Nothing here asserts.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import Counter
from typing import Any

from bench.omr import WORKERS, _init_worker, _may_refuse, _mix_baseline, _print_breakdown, _stream
from phieukin.paper.corpus.marks import DOUBTFUL_STYLES
from phieukin.paper.omr.asking import rows_to_ask


def _choice(name: str, default: tuple[str, ...], allowed: tuple[str, ...]) -> tuple[str, ...]:
    """Read a comma-separated setting; refuse a name the corpus does not know."""
    raw = os.environ.get(name, "")
    chosen = tuple(part.strip() for part in raw.split(",") if part.strip()) or default
    unknown = [part for part in chosen if part not in allowed]
    if unknown:
        raise ValueError(f"{name}: unknown {', '.join(unknown)}; known: {', '.join(allowed)}")
    return chosen


def _judge(args: tuple[int, int, tuple[str, ...], tuple[str, ...]]) -> dict[str, Any]:
    """Draw, capture and read page ``number`` of the sample; return its verdicts."""
    from phieukin.paper.corpus.mix import sample_page
    from phieukin.paper.omr.worker import read_image

    seed, number, styles, profiles = args
    page = sample_page(seed, number, styles, profiles)
    started = time.process_time()
    result = read_image(page.image)
    out: dict[str, Any] = {
        "number": number,
        "profile": page.profile,
        "dpi": page.dpi,
        "cpu": time.process_time() - started,
        "refusal": result.refusal,
        "may_refuse": result.refusal in _may_refuse(page.profile),
        "items": [],
    }
    if result.reading is not None:
        for item in result.reading.items:
            truth = page.truth[item.item_key]
            verdict = truth.judge(item.status, item.option_index)
            left = None
            if verdict == "wrong" and item.status == "empty" and truth.inked:
                # A mark read as "no answer": is it still in the image the reader got?
                from phieukin.paper.corpus.mix import sample_mark_left

                trace = sample_mark_left(seed, number, styles, profiles, item.item_key)
                left = trace.mean_left
            out["items"].append(
                (
                    item.item_key,
                    truth.style,
                    truth.option,
                    verdict,
                    f"{item.status} {item.option_index} ({item.reason or 'no doubt'})",
                    item.reason,
                    left,
                    item.status,
                )
            )
    return out


def _sample(
    pages: int, seed: int, styles: tuple[str, ...], profiles: tuple[str, ...]
) -> dict[str, Any]:
    from phieukin.paper.corpus.mix import ERASED_LEFT

    by_style: dict[str, Counter[str]] = {}
    by_profile: dict[str, Counter[str]] = {}
    refused: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    errors: list[str] = []
    cpu = 0.0
    read = capture_erased = asked_missed = 0
    started = time.perf_counter()
    with mp.get_context("fork").Pool(WORKERS, initializer=_init_worker) as pool:
        jobs = ((seed, n, styles, profiles) for n in range(pages))
        for done, out in enumerate(_stream(pool, _judge, jobs, 4 * WORKERS), 1):
            cpu += out["cpu"]
            key = f"{out['profile']} {out['dpi']:g} dpi"
            counts = by_profile.setdefault(key, Counter())
            counts["pages"] += 1
            if out["refusal"]:
                allowed = " (the page style allows it)" if out["may_refuse"] else ""
                refused[f"{out['refusal']}{allowed}"] += 1
                counts["refused"] += 1
                continue
            read += 1
            # On a page a person checks, every row read as "no answer" is asked of that
            # person (paper/omr/asking.py, as the scan service does with a whole copy).
            asked = rows_to_ask({item[0]: item[7] for item in out["items"]})
            for item_key, style, option, verdict, reading, reason, left, status in out["items"]:
                is_asked = status == "empty" and item_key in asked
                asked_missed += is_asked and verdict == "wrong"
                by_style.setdefault(style, Counter())[verdict] += 1
                counts[f"items {verdict}"] += 1
                if verdict == "review":
                    reasons[f"{style} → {reason}"] += 1
                elif verdict == "wrong":
                    erased = left is not None and left < ERASED_LEFT
                    capture_erased += erased
                    kept = (
                        ""
                        if left is None
                        else f", {left:.4f} left" + (" (erased by the capture)" if erased else "")
                    )
                    errors.append(
                        f"page {out['number']} ({key}) {item_key}: drew {style} "
                        f"(option {option}), read {reading}{kept}; rebuilt by "
                        f"sample_page({seed}, {out['number']}, {styles!r}, ...)"
                        + ("; asked of the person (the page has other doubts)" if is_asked else "")
                    )
            if done % 500 == 0:
                print(
                    f"  … {done}/{pages} pages, {time.perf_counter() - started:.0f} s; "
                    f"silent errors {len(errors)}",
                    flush=True,
                )
    return {
        "by_style": by_style,
        "by_profile": by_profile,
        "refused": refused,
        "reasons": reasons,
        "errors": errors,
        "capture_erased": capture_erased,
        "asked_missed": asked_missed,
        "cpu": cpu,
        "read": read,
        "wall": time.perf_counter() - started,
    }


def main() -> None:
    """Read a targeted sample, then a tenth as many pages of the product mix, and print both."""
    from bench.omr import _setup

    _setup()
    from phieukin.paper.corpus.deck import ALL_STYLES
    from phieukin.paper.corpus.mix import ERASED_LEFT, SAMPLE_PROFILES

    pages = int(os.environ.get("BENCH_SAMPLE_PAGES", "300"))
    seed = int(os.environ.get("BENCH_SAMPLE_SEED", "57"))
    styles = _choice("BENCH_SAMPLE_STYLES", DOUBTFUL_STYLES, ALL_STYLES)
    profiles = _choice("BENCH_SAMPLE_PROFILES", SAMPLE_PROFILES, SAMPLE_PROFILES)
    print(
        f"targeted sample: {pages} pages, seed {seed}, item styles {', '.join(styles)}; page "
        f"styles {', '.join(profiles)}; {WORKERS} workers; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    s = _sample(pages, seed, styles, profiles)
    b = _mix_baseline(max(50, pages // 10), seed, _init_worker)
    items = sum(sum(c.values()) for c in s["by_style"].values())
    print(
        f"sample: {s['read']} pages read of {pages}, {items} items, in {s['wall']:.0f} s; "
        f"refused: {dict(s['refused']) or 'none'}"
    )
    print(
        f"silent errors: {len(s['errors'])} (wrong votes and marks stored as 'no answer'); of "
        f"them, marks the capture erased (read as no answer, stroke left under {ERASED_LEFT} "
        f"deep in the captured image): {s['capture_erased']}; asked of a person all the same "
        f"(read as no answer on a page with other doubts, paper/omr/asking.py): "
        f"{s['asked_missed']}; left, a row stored without a person deciding it: "
        f"{len(s['errors']) - s['asked_missed']}"
    )
    sample_ms = 1000 * s["cpu"] / max(pages, 1)
    mix_ms = 1000 * b["cpu"] / max(b["drawn"], 1)
    print(
        f"baseline, the first deck's product mix in the same run ({b['pages_read']} pages read "
        f"of {b['drawn']}): silent errors {b['silent']}; reader CPU {sample_ms:.0f} ms a page on "
        f"the sample, {mix_ms:.0f} ms on the mix, ratio {sample_ms / max(mix_ms, 1e-9):.2f} ×"
    )
    _print_breakdown(s["by_style"], s["by_profile"], "page style", s["reasons"], s["errors"])
