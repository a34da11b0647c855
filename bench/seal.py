"""Sealing a 1,000-ballot box, against a bare decrypt-and-insert of the same rows.

``python -m bench seal``. For SQLite (and PostgreSQL when ``DATABASE_URL`` is set) the
script makes a fresh database, opens ``BENCH_SEAL_BOXES`` boxes and casts
``BENCH_SEAL_RESPONDENTS`` two-leader respondents into each (1,000 encrypted ballots per
box by default), closes them, and then, box after box:

- **baseline**: in one transaction, read the box's ciphertexts, decrypt each with the
  box's key, insert the readable rows into a scratch table in one batch, commit — the
  least work any sealing must do with these rows (then the scratch rows are dropped,
  untimed);
- **seal**: ``seal_box`` with two typed shares — rebuilding the key, checking every
  sheet, re-inserting ballots, receipts and codes shuffled with fresh ids, the digests,
  the audit event and the scrub (``VACUUM`` / ``VACUUM FULL``) with its check.

It prints the median of each, the ratio seal ÷ baseline, how long the scrub took and
whether it completed (on a PostgreSQL server shared with other databases, a long
transaction elsewhere makes the seal wait ``PHIEUKIN_SCRUB_WAIT_SECONDS`` and report the
scrub incomplete), and the load average, so a
figure taken on a busy machine can be read against one taken on a quiet one. Goal: a
median seal ≤ 2 s. Asserts nothing. ``BENCH_SEAL_PROFILE=1`` also prints a cProfile of
the last seal (top functions by cumulative time) and its statement count.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BOXES = int(os.environ.get("BENCH_SEAL_BOXES", "5"))
RESPONDENTS = int(os.environ.get("BENCH_SEAL_RESPONDENTS", "500"))
PROFILE = os.environ.get("BENCH_SEAL_PROFILE", "") not in ("", "0")


def _fill(boxes: int, respondents: int) -> list[tuple[Any, list[str]]]:
    """Make a district and a round of *boxes* wards; fill and close each box."""
    import datetime as dt

    from phieukin.ballots.services import (
        SheetInput,
        cast_ballot,
        close_box,
        generate_codes,
        open_box,
        shapes_for,
    )
    from phieukin.questionnaires.services import import_default_template
    from phieukin.rounds.models import BallotBox
    from phieukin.rounds.services import create_round, open_round
    from phieukin.units.fictional import fictional_names
    from phieukin.units.models import Person, Position, PositionType, Tenure, UnitKind
    from phieukin.units.services import LONG_BIEN, import_district

    district = import_district(actor=None, text=LONG_BIEN.read_text(encoding="utf-8"))
    positions = list(Position.objects.filter(unit__parent=district).order_by("id"))
    people = Person.objects.bulk_create(
        Person(full_name=n) for n in fictional_names(len(positions), seed=3)
    )
    Tenure.objects.bulk_create(
        Tenure(position=p, person=q, start=dt.date(2020, 1, 1))
        for p, q in zip(positions, people, strict=True)
    )
    wards = list(district.children.filter(kind=UnitKind.WARD).order_by("sort_key"))
    rnd = create_round(
        actor=None,
        organiser_unit=district,
        title="Đợt bench niêm phong",
        year=2030,
        number=1,
        questionnaire=import_default_template(actor=None),
        position_types=PositionType.objects.all(),
        wards=wards[:boxes],
    )
    open_round(actor=None, round=rnd)
    filled: list[tuple[Any, list[str]]] = []
    for box in BallotBox.objects.filter(conference__round=rnd).order_by("pk"):
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


def _baseline(box: Any, shares: list[str]) -> float:
    """Time reading, decrypting and inserting the box's rows into a scratch table."""
    from django.db import connection, transaction

    from phieukin.ballots import boxkeys
    from phieukin.ballots.models import Ballot, BoxKey
    from phieukin.core.ids import random_id

    public = bytes(BoxKey.objects.get(box=box).public_key)
    started = time.perf_counter()
    with transaction.atomic():
        private = boxkeys.recover_private_key(public, 2, shares[:2])
        rows = []
        for subject_id, ciphertext in Ballot.objects.filter(box=box).values_list(
            "subject_id", "ciphertext"
        ):
            content = boxkeys.decrypt_sheet(private, bytes(ciphertext))
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


def run(out: str) -> None:
    """Fill the boxes, then time the baseline and the seal of each; write the figures."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from phieukin.ballots.models import Seal
    from phieukin.ballots.services import seal_box, sealing

    scrubs: list[float] = []
    scrub = sealing.scrub_deleted_copies

    def timed_scrub(**kwargs: Any) -> Any:
        begun = time.perf_counter()
        try:
            return scrub(**kwargs)
        finally:
            scrubs.append(time.perf_counter() - begun)

    sealing.scrub_deleted_copies = timed_scrub  # type: ignore[assignment]
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_seal_row (id BIGINT PRIMARY KEY, subject_id BIGINT, "
            "answers VARCHAR(64), comment TEXT)"
        )
    started = time.perf_counter()
    filled = _fill(BOXES, RESPONDENTS)
    fill_seconds = time.perf_counter() - started
    baselines: list[float] = []
    seals: list[float] = []
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
    Path(out).write_text(
        json.dumps(
            {
                "baselines": baselines,
                "seals": seals,
                "ballots": ballots,
                "fill_seconds": fill_seconds,
                "scrubs": scrubs,
                "scrubbed": Seal.objects.filter(scrubbed_at__isnull=False).count(),
            }
        )
    )


def _measure(label: str, env: dict[str, str], workdir: Path) -> None:
    result = workdir / "seal.json"
    load_before = os.getloadavg()
    subprocess.run(
        [sys.executable, "-m", "bench.seal", "run", str(result)], cwd=ROOT, env=env, check=True
    )
    load_after = os.getloadavg()
    data = json.loads(result.read_text())
    seal = statistics.median(data["seals"])
    base = statistics.median(data["baselines"])
    print(
        f"{label}: {len(data['seals'])} boxes of {data['ballots']} ballots "
        f"(filled in {data['fill_seconds']:.0f} s)\n"
        f"  seal (2 shares, decrypt, check, shuffle, rewrite codes and receipts, digests, "
        f"scrub): median {seal:.2f} s  ({', '.join(f'{t:.2f}' for t in data['seals'])}) "
        f"(goal <= 2 s)\n"
        f"  of which the scrub (wait for older transactions, VACUUM, check): median "
        f"{statistics.median(data['scrubs']):.2f} s; scrub complete for {data['scrubbed']} of "
        f"{len(data['seals'])} seals\n"
        f"  baseline (decrypt + one batch insert of the same rows): median {base:.2f} s  "
        f"({', '.join(f'{t:.2f}' for t in data['baselines'])})\n"
        f"  ratio seal/baseline: {seal / base if base else float('nan'):.1f}\n"
        f"  load average 1 min: {load_before[0]:.2f} before, {load_after[0]:.2f} after "
        f"({os.cpu_count()} cores)",
        flush=True,
    )


def _base_env(workdir: Path) -> dict[str, str]:
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="phieukin.config.settings",
        PHIEUKIN_VAR_DIR=str(workdir),
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        SECRET_KEY="bench-" + secrets.token_hex(16),
        PYTHONPATH=str(ROOT),
    )
    env.pop("DATABASE_URL", None)
    return env


def main() -> None:
    """Measure on SQLite, then on PostgreSQL when DATABASE_URL is set."""
    workdir = Path(tempfile.mkdtemp(prefix="phieukin-bench-seal-"))
    try:
        sqlite = _base_env(workdir / "sqlite")
        _measure("SQLite (WAL, synchronous=FULL, secure_delete)", sqlite, workdir)
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            _postgres(url, workdir)
        else:
            print("PostgreSQL: skipped (DATABASE_URL not set)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _postgres(url: str, workdir: Path) -> None:
    import psycopg

    name = f"phieukin_bench_seal_{os.getpid()}"
    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = _base_env(workdir / "pg")
        env["DATABASE_URL"] = parsed._replace(path=f"/{name}").geturl()
        _measure("PostgreSQL (synchronous_commit=on)", env, workdir)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "run":
        run(sys.argv[2])
    else:
        main()
