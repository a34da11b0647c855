"""OMR reader on a second deck, drawn and captured by a renderer of its own.

Run with ``python -m bench omr_second``. The pages come from :mod:`bench._second_deck`,
which shares no code with the generator the reader was tuned on
(:mod:`phieukin.paper.corpus`): colour scans and photos, blue, purple, red and black
pens, graphite, photocopied and "fit to page" prints, scanner sharpening, JPEG inside
PDF. Each page is written as a device writes it and read by the product's own
:func:`phieukin.paper.omr.worker.read_one` (decoding included) in ``BENCH_OMR_WORKERS``
processes.

Settings: ``BENCH_OMR2_PAGES`` (default 300), ``BENCH_OMR2_SEED`` (default 3101),
``BENCH_OMR2_DUMP=DIR`` (every silent error and every refused page written to DIR: the
file as captured, the marked render of its row and what was read).

Printed: per item style (items, read as drawn, sent to review, silent errors), per
capture (pages, refused, items sent to review, silent errors), the shares of clear marks
and of pages sent to review, and every silent error. The baseline, measured in the same
run with the same workers, is the first deck (the product mix of :mod:`bench.omr`) over
as many pages: the ratios say how much harder the second deck is for the reader. Nothing
here asserts.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.omr import WORKERS, _asked, _mix_baseline, _print_breakdown, _setup, _stream

_deck: Any = None


def _init() -> None:
    global _deck
    from bench._second_deck import Deck
    from phieukin.paper.corpus.mix import layouts
    from phieukin.paper.omr import worker

    _setup()
    _deck = Deck()
    table = dict(layouts())
    table[(_deck.layout.questionnaire_code, _deck.layout.questionnaire_version)] = _deck.layout
    worker._init(table, 0)


def _judge(args: tuple[int, int]) -> dict[str, Any]:
    """Draw, capture and read one page of the second deck; return its verdicts."""
    from bench._second_deck import RULES
    from phieukin.paper.omr.worker import read_one

    seed, number = args
    dump = os.environ.get("BENCH_OMR2_DUMP", "")
    page = _deck.page(seed, number, keep=bool(dump))
    started = time.process_time()
    result = read_one(page.data, page.name, 0)
    cpu = time.process_time() - started
    out: dict[str, Any] = {
        "capture": page.capture,
        "dpi": page.dpi,
        "cpu": cpu,
        "refusal": result.refusal,
        "items": [],
        "wrong_sheet": False,
        "notes": page.notes,
        "number": number,
        "plain": page.plain,
    }
    reading = result.reading
    if reading is None:
        if dump:
            _dump(dump, f"{seed}-{number:05d}-refused", page, None, result.refusal or "")
        return out
    out["wrong_sheet"] = reading.sheet.payload() != page.payload
    for item in reading.items:
        truth = page.truth[item.item_key]
        verdict = truth.judge(item.status, item.option_index)
        read = f"{item.status} {item.option_index} ({item.reason or 'no doubt'})"
        out["items"].append(
            (
                truth.style,
                RULES[truth.style],
                verdict,
                item.reason,
                read,
                item.item_key,
                item.status,
            )
        )
        if verdict == "wrong" and dump:
            _dump(dump, f"{seed}-{number:05d}-{item.item_key}", page, item.item_key, read)
    return out


def _dump(folder: str, name: str, page: Any, key: str | None, read: str) -> None:
    import numpy as np
    from PIL import Image

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}-{page.name}").write_bytes(page.data)
    lines = [f"capture {page.capture}, {page.dpi} dpi; {'; '.join(page.notes)}", f"read: {read}"]
    if key is not None:
        truth = page.truth[key]
        lines.append(f"drawn: {truth.style}, option {truth.option}, boxes {truth.boxes}")
        if page.render is not None:
            row = next(i.row for p in _deck.layout.pages for i in p.items if i.key == key)
            px = page.dpi / 25.4
            y0, y1 = max(0, int((row.y - 4) * px)), int((row.y + row.h + 4) * px)
            x0 = int((row.x + row.w * 0.45) * px)
            crop = np.clip(page.render[y0:y1, x0:], 0, 255).astype(np.uint8)
            Image.fromarray(crop, "RGB").save(out / f"{name}-render.png")
    (out / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _second(pages: int, seed: int) -> dict[str, Any]:
    by_style: dict[str, Counter[str]] = {}
    by_capture: dict[str, Counter[str]] = {}
    errors: list[str] = []
    reasons: Counter[str] = Counter()
    cpu = 0.0
    clear = clear_review = pages_read = pages_review = silent = silent_unseen = 0
    plain = plain_review = asked_rows = asked_missed = 0
    started = time.perf_counter()
    with mp.get_context("fork").Pool(WORKERS, initializer=_init) as pool:
        jobs = ((seed, n) for n in range(pages))
        for done, out in enumerate(_stream(pool, _judge, jobs, 4 * WORKERS), 1):
            cpu += out["cpu"]
            key = f"{out['capture']} {out['dpi']} dpi"
            counts = by_capture.setdefault(key, Counter())
            counts["pages"] += 1
            if out["refusal"]:
                counts[f"refused ({out['refusal']})"] += 1
                errors.append(f"page {out['number']} ({key}) refused: {out['refusal']}")
                continue
            pages_read += 1
            counts["wrong sheet"] += out["wrong_sheet"]
            reviewed = any(item[2] == "review" for item in out["items"])
            # Read as one copy: on a page a person checks, every row read as "no answer"
            # is asked of that person (paper/omr/asking.py, as the scan service does).
            rows, missed, _clear = _asked([(i[5], i[6], i[2], False) for i in out["items"]])
            asked_rows += rows
            asked_missed += missed
            pages_review += reviewed
            plain += out["plain"]
            plain_review += out["plain"] and reviewed
            for style, rule, verdict, reason, read, item_key, _status in out["items"]:
                by_style.setdefault(style, Counter())[verdict] += 1
                counts[f"items {verdict}"] += 1
                if rule == "read":
                    clear += 1
                    clear_review += verdict == "review"
                if verdict == "review":
                    reasons[f"{style} → {reason}"] += 1
                if verdict == "wrong":
                    silent += 1
                    silent_unseen += not reviewed
                    errors.append(
                        f"page {out['number']} {item_key} ({key}; {'; '.join(out['notes'])}): "
                        f"drew {style}, read {read}"
                        + ("" if reviewed else " — on a page no person looks at")
                    )
            if done % 100 == 0:
                print(
                    f"  … {done}/{pages} pages, {time.perf_counter() - started:.0f} s; silent "
                    f"errors {silent}; clear items to review {clear_review}/{clear}",
                    flush=True,
                )
    return {
        "by_style": by_style,
        "by_capture": by_capture,
        "errors": errors,
        "reasons": reasons,
        "cpu": cpu,
        "clear": clear,
        "clear_review": clear_review,
        "pages_read": pages_read,
        "pages_review": pages_review,
        "plain": plain,
        "plain_review": plain_review,
        "silent": silent,
        "silent_unseen": silent_unseen,
        "asked_rows": asked_rows,
        "asked_missed": asked_missed,
        "wall": time.perf_counter() - started,
    }


def _first(pages: int, seed: int) -> dict[str, Any]:
    """The baseline: the first deck's product mix over about as many pages."""
    return _mix_baseline(pages, seed, _init)


def _share(part: int, whole: int) -> float:
    return 100 * part / max(whole, 1)


def main() -> None:
    """Read the second deck, then the first deck's mix as a baseline, and print both."""
    pages = int(os.environ.get("BENCH_OMR2_PAGES", "300"))
    seed = int(os.environ.get("BENCH_OMR2_SEED", "3101"))
    print(
        f"second deck: {pages} pages, seed {seed}, {WORKERS} workers; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    b = _second(pages, seed)
    a = _first(pages, seed)
    positions = sum(sum(c.values()) for c in b["by_style"].values())
    print(
        f"second deck: {b['pages_read']} pages read of {pages} ({pages - b['pages_read']} "
        f"refused), {positions} items, in {b['wall']:.0f} s (reader CPU "
        f"{1000 * b['cpu'] / max(pages, 1):.0f} ms a page, decoding included)"
    )
    print(
        f"silent errors: {b['silent']} ({b['silent_unseen']} on pages no person looks at); "
        f"clear items (marks and blanks) sent to review: {b['clear_review']} of {b['clear']} "
        f"({_share(b['clear_review'], b['clear']):.2f} %); pages sent to review: "
        f"{b['pages_review']} of {b['pages_read']} "
        f"({_share(b['pages_review'], b['pages_read']):.1f} %), "
        f"of the pages with plain marks and blanks only {b['plain_review']} of {b['plain']} "
        f"({_share(b['plain_review'], b['plain']):.1f} %)"
    )
    print(
        f"asked of a person on the pages sent to review (every row read as no answer, "
        f"paper/omr/asking.py): {b['asked_rows']} rows, {b['asked_missed']} of them marks "
        f"the reader missed; silent errors left, a row stored without a person deciding it: "
        f"{b['silent'] - b['asked_missed']}"
    )
    print(
        f"baseline, the first deck's product mix in the same run ({a['pages_read']} pages read, "
        f"{a['wall']:.0f} s): silent errors {a['silent']}; clear items to review "
        f"{a['clear_review']} of {a['clear']} ({_share(a['clear_review'], a['clear']):.2f} %); "
        f"pages to review {a['pages_review']} of {a['pages_read']} "
        f"({_share(a['pages_review'], a['pages_read']):.1f} %)"
    )
    ratio_clear = _share(b["clear_review"], b["clear"]) / max(
        _share(a["clear_review"], a["clear"]), 1e-9
    )
    ratio_pages = _share(b["plain_review"], b["plain"]) / max(
        _share(a["pages_review"], a["pages_read"]), 1e-9
    )
    print(
        f"ratio second / first deck: clear items to review {ratio_clear:.2f} ×, pages to "
        f"review {ratio_pages:.2f} × (the second deck's plain pages against the first deck's "
        "product mix; the mixes differ: the second has more pencil, circles, colour and "
        "phone photos, so the ratio says how far the first deck's figures carry, not more)"
    )
    _print_breakdown(b["by_style"], b["by_capture"], "capture", b["reasons"], b["errors"])
