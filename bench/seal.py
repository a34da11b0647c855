"""Sealing a 1,000-ballot box, against a bare decrypt-and-insert of the same rows, with
and without a sealed history in the database.

``python -m bench seal``. For SQLite (and PostgreSQL when ``DATABASE_URL`` is set) the
script makes a fresh database, opens ``2 × BENCH_SEAL_BOXES`` boxes and casts
``BENCH_SEAL_RESPONDENTS`` two-leader respondents into each (1,000 encrypted ballots per
box by default), closes them, and then seals them in two phases:

1. **no history**: the first ``BENCH_SEAL_BOXES`` boxes, with nothing sealed before;
2. **with history**: ``BENCH_SEAL_HISTORY`` sealed ballots (with their receipts and
   codes, as a seal leaves them) are first added to the sealed boxes of an earlier
   round, then the other boxes are sealed.

Per box it times:

- **baseline**: in one transaction, read the box's ciphertexts, decrypt each with the
  box's key, insert the readable rows into a scratch table in one batch, commit — the
  least work any sealing must do with these rows (then the scratch rows are dropped,
  untimed);
- **seal**: ``seal_box`` with two typed shares — rebuilding the key, checking every
  sheet, moving ballots, receipts and codes into the sealed history shuffled with fresh
  ids, the digests, the audit event and the scrub of the open-box tables (SQLite: their
  whole rewrite, then the WAL checkpoint; PostgreSQL: ``VACUUM FULL``) with its check.
  The boxes not yet sealed are in those tables, so each seal rewrites their rows too.

It prints, per phase, the median of each, the ratio seal ÷ baseline (same run, same
phase), how long the scrub took and whether it completed (on a PostgreSQL server shared
with other databases, a long transaction elsewhere makes the seal wait
``PHIEUKIN_SCRUB_WAIT_SECONDS`` and report the scrub incomplete), and the load average,
so a figure taken on a busy machine can be read against one taken on a quiet one.
Goal: a median seal ≤ 2 s, not growing with the history. Asserts nothing.
``BENCH_SEAL_PROFILE=1`` also prints a cProfile of the last seal (top functions by
cumulative time) and its statement count.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._setup import ROOT, base_env, postgres_url, scratch_postgres

BOXES = int(os.environ.get("BENCH_SEAL_BOXES", "3"))
RESPONDENTS = int(os.environ.get("BENCH_SEAL_RESPONDENTS", "500"))
HISTORY = int(os.environ.get("BENCH_SEAL_HISTORY", "100000"))
PROFILE = os.environ.get("BENCH_SEAL_PROFILE", "") not in ("", "0")


def _fill(boxes: int, respondents: int) -> list[tuple[Any, list[str]]]:
    """Open a round of *boxes* wards; fill and close each box."""
    # Imported here: the child process has just run django.setup().
    from bench._setup import open_round
    from phieukin.ballots.services import (
        SheetInput,
        cast_ballot,
        close_box,
        generate_codes,
        open_box,
        shapes_for,
    )

    filled: list[tuple[Any, list[str]]] = []
    for box in open_round(title="Đợt bench niêm phong", boxes=boxes):
        opening = open_box(actor=None, box=box)
        shapes = shapes_for(box)
        subjects = list(box.conference.subjects.all())
        for n, code in enumerate(generate_codes(actor=None, box=box, count=respondents)):
            sheets = [
                SheetInput(
                    subject_id=s.pk,
                    answers={sh.key: sh.option_keys[(n + i) % 4] for i, sh in enumerate(shapes)},
                    comment="Đồng chí cần sâu sát cơ sở hơn." if n % 3 == 0 else "",
                )
                for s in subjects
            ]
            cast_ballot(code=code, sheets=sheets)
        close_box(actor=None, box=box)
        filled.append((box, opening.shares))
    return filled


def _history_boxes(template: Any) -> list[Any]:
    """Make an earlier round over every ward of *template*'s district, its boxes marked
    sealed: where the history goes (not the measured round, whose tally snapshot the
    seal computes)."""
    from phieukin.rounds.lifecycle import BoxState
    from phieukin.rounds.models import BallotBox
    from phieukin.rounds.services import create_round, open_round
    from phieukin.units.models import PositionType, UnitKind

    current = template.conference.round
    district = current.organiser_unit
    earlier = create_round(
        actor=None,
        organiser_unit=district,
        title="Đợt bench trước",
        year=current.year - 1,
        number=1,
        questionnaire=current.questionnaire,
        position_types=PositionType.objects.all(),
        wards=list(district.children.filter(kind=UnitKind.WARD).order_by("sort_key")),
    )
    open_round(actor=None, round=earlier)
    boxes = BallotBox.objects.filter(conference__round=earlier)
    boxes.update(state=BoxState.SEALED)
    return list(boxes.select_related("conference__round"))


def _add_history(template: Any, ballots: int) -> float:
    """Add *ballots* sealed ballots (two per respondent, with a receipt each and a used
    code per respondent) to the sealed boxes of an earlier round, as seals leave them;
    return the seconds it took."""
    import random

    from django.db import transaction

    from phieukin.ballots.services import shapes_for
    from phieukin.ballots.services.common import code_digest
    from phieukin.ballots.services.sealing import _insert_rows
    from phieukin.core.ids import random_id

    started = time.perf_counter()
    if ballots <= 0:
        return 0.0
    sealed = _history_boxes(template)
    rng = random.Random(7)
    width = len(shapes_for(template))
    per_box = max(1, ballots // len(sealed))
    for box in sealed:
        subjects = list(box.conference.subjects.values_list("pk", flat=True))
        for start in range(0, per_box, 10000):
            count = min(10000, per_box - start)
            with transaction.atomic():
                _insert_rows(
                    "ballots_ballot",
                    (
                        "id",
                        "box_id",
                        "subject_id",
                        "group_id",
                        "source",
                        "valid",
                        "answers",
                        "comment",
                    ),
                    [
                        (
                            random_id(),
                            box.pk,
                            subjects[n % len(subjects)],
                            None,
                            "online",
                            True,
                            "".join(str(rng.randrange(4)) for _ in range(width)),
                            "Đồng chí cần sâu sát cơ sở hơn." if n % 3 == 0 else "",
                        )
                        for n in range(count)
                    ],
                )
                _insert_rows(
                    "ballots_receipt",
                    ("id", "box_id", "value"),
                    [(random_id(), box.pk, f"H{random_id():019d}") for _ in range(count)],
                )
                _insert_rows(
                    "ballots_sealedcode",
                    ("id", "box_id", "digest", "group_id", "state"),
                    [
                        (random_id(), box.pk, code_digest(f"HIST{random_id()}"), None, "used")
                        for _ in range(count // 2)
                    ],
                )
    return time.perf_counter() - started


def _baseline(box: Any, shares: list[str]) -> float:
    """Time reading, decrypting and inserting the box's rows into a scratch table."""
    from django.db import connection, transaction

    from phieukin.ballots import boxkeys
    from phieukin.ballots.models import BoxKey, PendingBallot
    from phieukin.core.ids import random_id

    public = bytes(BoxKey.objects.get(box=box).public_key)
    started = time.perf_counter()
    with transaction.atomic():
        private = boxkeys.recover_private_key(public, 2, shares[:2])
        rows = []
        for subject_id, ciphertext in PendingBallot.objects.filter(box=box).values_list(
            "subject_id", "ciphertext"
        ):
            content = boxkeys.decrypt_sheet(private, bytes(ciphertext or b""))
            rows.append((random_id(), subject_id, content.answers, content.comment))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_seal_row (id, subject_id, answers, comment) "
                "VALUES (%s, %s, %s, %s)",
                rows,
            )
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_seal_row")
    return elapsed


def _profiled_seal(box: Any, shares: list[str]) -> float:
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from phieukin.ballots.services import seal_box

    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        profiler.enable()
        seal_box(actor=None, box=box, shares=shares[:2], acknowledge_mismatch=True)
        profiler.disable()
        elapsed = time.perf_counter() - started
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
    print(f"  profile of one seal ({len(queries)} statements, {elapsed:.2f} s):")
    print("\n".join("    " + line for line in out.getvalue().splitlines()[:70]))
    kinds: dict[str, int] = {}
    for query in queries.captured_queries:
        word = query["sql"].split(None, 1)[0].upper()
        kinds[word] = kinds.get(word, 0) + 1
    print(f"  statements by kind: {kinds}")
    return elapsed


def _seal_phase(filled: list[tuple[Any, list[str]]], scrubs: list[float]) -> dict[str, Any]:
    """Time the baseline and the seal of each box; return the figures of the phase."""
    from phieukin.ballots.models import Seal
    from phieukin.ballots.services import seal_box

    baselines: list[float] = []
    seals: list[float] = []
    first_scrub = len(scrubs)
    ballots = 0
    for n, (box, shares) in enumerate(filled):
        baselines.append(_baseline(box, shares))
        if PROFILE and n == len(filled) - 1:
            seals.append(_profiled_seal(box, shares))
        else:
            begun = time.perf_counter()
            sealed = seal_box(actor=None, box=box, shares=shares[:2], acknowledge_mismatch=True)
            seals.append(time.perf_counter() - begun)
            ballots = sealed.counts["ballots_total"]
    return {
        "baselines": baselines,
        "seals": seals,
        "ballots": ballots,
        "scrubs": scrubs[first_scrub:],
        "scrubbed": Seal.objects.filter(
            box__in=[box for box, _shares in filled], scrubbed_at__isnull=False
        ).count(),
    }


def run(out: str) -> None:
    """Fill the boxes, seal half of them, add the history, seal the other half; write the
    figures."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from phieukin.ballots.models import Ballot
    from phieukin.ballots.services import sealing

    scrubs: list[float] = []
    scrub = sealing.scrub_deleted_copies

    def timed_scrub(**kwargs: Any) -> Any:
        begun = time.perf_counter()
        try:
            return scrub(**kwargs)
        finally:
            scrubs.append(time.perf_counter() - begun)

    sealing.scrub_deleted_copies = timed_scrub
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_seal_row (id BIGINT PRIMARY KEY, subject_id BIGINT, "
            "answers VARCHAR(64), comment TEXT)"
        )
    started = time.perf_counter()
    filled = _fill(2 * BOXES, RESPONDENTS)
    fill_seconds = time.perf_counter() - started
    fresh = _seal_phase(filled[:BOXES], scrubs)
    history_seconds = _add_history(filled[0][0], HISTORY)
    history_rows = Ballot.objects.count()
    later = _seal_phase(filled[BOXES:], scrubs)
    Path(out).write_text(
        json.dumps(
            {
                "fill_seconds": fill_seconds,
                "history_seconds": history_seconds,
                "history_ballots": history_rows,
                "phases": [fresh, later],
            }
        )
    )


def _line(values: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in values)


def _measure(label: str, env: dict[str, str], workdir: Path) -> None:
    result = workdir / "seal.json"
    load_before = os.getloadavg()
    subprocess.run(
        [sys.executable, "-m", "bench.seal", "run", str(result)], cwd=ROOT, env=env, check=True
    )
    load_after = os.getloadavg()
    data = json.loads(result.read_text())
    print(
        f"{label}: {len(data['phases'][0]['seals'])} + {len(data['phases'][1]['seals'])} boxes "
        f"of {data['phases'][0]['ballots']} ballots (filled in {data['fill_seconds']:.0f} s)",
        flush=True,
    )
    titles = (
        "no history",
        f"with {data['history_ballots']:,} sealed ballots already in the database "
        f"(added in {data['history_seconds']:.0f} s)",
    )
    medians = []
    for title, phase in zip(titles, data["phases"], strict=True):
        seal = statistics.median(phase["seals"])
        base = statistics.median(phase["baselines"])
        medians.append(seal)
        print(
            f"  {title}:\n"
            f"    seal (2 shares, decrypt, check, move into the history shuffled, digests, "
            f"scrub of the open-box tables): median {seal:.2f} s  ({_line(phase['seals'])}) "
            f"(goal <= 2 s)\n"
            f"    of which the scrub: median {statistics.median(phase['scrubs']):.2f} s; "
            f"complete for {phase['scrubbed']} of {len(phase['seals'])} seals\n"
            f"    baseline (decrypt + one batch insert of the same rows): median {base:.2f} s  "
            f"({_line(phase['baselines'])})\n"
            f"    ratio seal/baseline: {seal / base if base else float('nan'):.1f}",
            flush=True,
        )
    print(
        f"  seal median with history / without: {medians[1] / medians[0]:.2f}\n"
        f"  load average 1 min: {load_before[0]:.2f} before, {load_after[0]:.2f} after "
        f"({os.cpu_count()} cores)",
        flush=True,
    )


def main() -> None:
    """Measure on SQLite, then on PostgreSQL when DATABASE_URL is set."""
    workdir = Path(tempfile.mkdtemp(prefix="phieukin-bench-seal-"))
    try:
        sqlite = base_env(workdir / "sqlite")
        _measure("SQLite (WAL, synchronous=FULL, secure_delete)", sqlite, workdir)
        url = postgres_url()
        if url is not None:
            with scratch_postgres(url, "phieukin_bench_seal") as scratch:
                env = base_env(workdir / "pg")
                env["DATABASE_URL"] = scratch
                _measure("PostgreSQL (synchronous_commit=on)", env, workdir)
        else:
            print("PostgreSQL: skipped (DATABASE_URL not set)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "run":
        run(sys.argv[2])
    else:
        main()
