"""Tally of 1,000,000 ballots × 21 items: the engine against a plain NumPy bincount.

Run with ``python -m bench tally``. Two parts:

1. In memory: 1,000,000 generated ballots (14 wards × 2 leaders, 4 respondent groups,
   21 items on the 4+1-option scale) as compact answer strings; times the parse into the
   answers matrix (``np.frombuffer``), the engine's full tally (every cell, suppression,
   bands, figures) and, in the same run, a bare ``np.bincount`` per item of the same
   answers (the floor any tally has to pay), and prints the ratio.
2. End to end on SQLite: a temporary database file (in a child process, so the
   benchmark never touches the configured database) with the Long Biên round and the
   same number of ballots in sealed boxes; times the selectors' read of every row and
   the whole ``round_tally``.

Set ``BENCH_TALLY_BALLOTS`` to change the number of ballots. Nothing here asserts a time.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np

N_ITEMS = 21
N_WARDS = 14
N_SUBJECTS = 28
GROUPS = ("cbcc_phuong", "bi_thu_chi_bo", "to_truong_tdp", "truong_ban_ctmt")
OPTIONS = ("tot", "kha", "trung_binh", "yeu", "khong_danh_gia")
# Realistic skew: mostly Tốt/Khá, few low ratings, some Không đánh giá and blanks.
WEIGHTS = np.array([0.55, 0.28, 0.08, 0.03, 0.04, 0.02])
T = TypeVar("T")


def _ballots() -> int:
    return int(os.environ.get("BENCH_TALLY_BALLOTS", "1000000"))


def generate(n: int, seed: int = 2026) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Return subject indexes, group indexes (-1 = none) and compact answer strings."""
    rng = np.random.default_rng(seed)
    subject = rng.integers(0, N_SUBJECTS, n)
    group = rng.integers(-1, len(GROUPS), n)
    codes = rng.choice(6, size=(n, N_ITEMS), p=WEIGHTS)
    chars = np.frombuffer(b"01234-", dtype=np.uint8)[codes]
    blob = chars.tobytes()
    answers = [blob[i * N_ITEMS : (i + 1) * N_ITEMS].decode("ascii") for i in range(n)]
    return subject, group, answers


def best_of(runs: int, fn: Callable[[], T]) -> tuple[float, T]:
    """Return the best wall time of *runs* calls and the last result."""
    best = float("inf")
    result: T | None = None
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    assert result is not None
    return best, result


def in_memory() -> None:
    from phieukin.tallying.tally import (
        BallotArrays,
        ItemShape,
        Layout,
        Rules,
        Shape,
        answers_matrix,
        iter_cells,
        tally,
    )

    n = _ballots()
    subject, group, answers = generate(n)
    shape = Shape(
        items=tuple(
            ItemShape(
                f"nd{j + 1:02}",
                "I" if j < 7 else "II" if j < 14 else "III",
                OPTIONS,
                (4.0, 3.0, 2.0, 1.0, None),
            )
            for j in range(N_ITEMS)
        ),
        sections=("I", "II", "III"),
    )
    layout = Layout(
        wards=tuple(range(N_WARDS)),
        subjects=tuple(range(N_SUBJECTS)),
        subject_ward=tuple(s // 2 for s in range(N_SUBJECTS)),
        groups=GROUPS,
    )
    valid = np.ones(n, dtype=np.bool_)

    parse_time, matrix = best_of(3, lambda: answers_matrix(answers, N_ITEMS))
    arrays = BallotArrays(subject=subject, group=group, valid=valid, answers=matrix)

    def baseline() -> np.ndarray:
        # The floor: one bincount per item of (subject, option), nothing else.
        base = subject * 11
        return np.stack(
            [np.bincount(base + matrix[:, j], minlength=N_SUBJECTS * 11) for j in range(N_ITEMS)]
        )

    base_time, counts = best_of(3, baseline)
    engine_time, result = best_of(
        3, lambda: tally(shape=shape, rules=Rules(), layout=layout, ballots=arrays)
    )
    shown = sum(c.figures is not None for c in iter_cells(result))
    assert result.total.figures is not None and result.total.figures.ballots == n
    assert int(counts.sum()) == n * N_ITEMS
    print(f"ballots: {n:,} × {N_ITEMS} items, {N_SUBJECTS} leaders, {len(GROUPS)} groups")
    print(f"parse answers (np.frombuffer over joined strings): {parse_time:.3f} s")
    print(f"plain np.bincount per item (baseline):             {base_time:.3f} s")
    print(
        f"engine tally (all cells, suppression, figures):     {engine_time:.3f} s"
        f"  ({shown} cells shown)"
    )
    print(f"ratio engine / baseline: {engine_time / base_time:.2f}×")
    print(f"parse + engine: {parse_time + engine_time:.3f} s (goal ≤ 2 s)")


def end_to_end() -> None:
    with tempfile.TemporaryDirectory(prefix="phieukin-bench-") as folder:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["PHIEUKIN_VAR_DIR"] = folder
        env["DJANGO_SETTINGS_MODULE"] = "phieukin.config.settings"
        done = subprocess.run(
            [sys.executable, "-m", "bench.tally", "--sqlite-child"],
            env=env,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"SQLite part failed ({done.returncode})")


def sqlite_child() -> None:
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from phieukin.questionnaires.services import import_default_template
    from phieukin.rounds.models import BallotBox, RespondentGroup, Subject
    from phieukin.rounds.services import create_round, open_round
    from phieukin.tallying import selectors
    from phieukin.testing.setup import long_bien_with_leaders
    from phieukin.units.models import PositionType, Unit

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    district = long_bien_with_leaders()
    rnd = create_round(
        actor=None,
        organiser_unit=district,
        title="Đợt bench",
        year=2026,
        number=9,
        questionnaire=import_default_template(actor=None),
        position_types=PositionType.objects.all(),
        wards=list(Unit.objects.filter(parent=district)),
        conference_date=dt.date(2026, 11, 20),
    )
    open_round(actor=None, round=rnd)
    subjects = list(Subject.objects.filter(conference__round=rnd).order_by("pk"))
    box_of = dict(
        BallotBox.objects.filter(conference__round=rnd).values_list("conference_id", "pk")
    )
    groups = list(
        RespondentGroup.objects.filter(round=rnd).order_by("order").values_list("pk", flat=True)
    )
    n = _ballots()
    subject_idx, group_idx, answers = generate(n)
    ids = np.random.default_rng(1).choice(2**62, size=n, replace=False)
    rows = [
        (
            int(ids[i]),
            box_of[subjects[s].conference_id],
            subjects[s].pk,
            groups[g] if g >= 0 else None,
            "online",
            1,
            answers[i],
            "",
        )
        for i, (s, g) in enumerate(zip(subject_idx.tolist(), group_idx.tolist(), strict=True))
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO ballots_ballot (id, box_id, subject_id, group_id, source, valid, "
            "answers, comment) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    del rows
    BallotBox.objects.filter(conference__round=rnd).update(state="sealed")
    print(f"SQLite database built in {time.perf_counter() - started:.1f} s ({n:,} ballots)")
    boxes = list(BallotBox.objects.filter(conference__round=rnd).select_related("conference__unit"))

    def read() -> object:
        return selectors.read_ballots(
            boxes=boxes,
            subjects=[s.pk for s in subjects],
            groups=groups,
            n_items=N_ITEMS,
        )

    read_time, _arrays = best_of(2, read)
    del _arrays

    def raw_read() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT subject_id, group_id, valid, answers FROM ballots_ballot")
            return len(cursor.fetchall())

    raw_time, _count = best_of(2, raw_read)
    total_time, result = best_of(1, lambda: selectors.round_tally(rnd))
    assert result.total.figures is not None and result.total.figures.ballots == n
    print(f"raw cursor fetchall of the 4 columns (baseline):   {raw_time:.3f} s")
    print(
        f"selectors.read_ballots (GROUP BY + GROUP_CONCAT):   {read_time:.3f} s"
        f"  (ratio {read_time / raw_time:.2f}×)"
    )
    print(
        f"selectors.round_tally end to end (one read, shown cells of the 14 boxes, the round): "
        f"{total_time:.3f} s"
    )


def main() -> None:
    """Print the in-memory and the SQLite figures."""
    in_memory()
    end_to_end()


if __name__ == "__main__":
    if "--sqlite-child" in sys.argv:
        sqlite_child()
    else:
        main()
