"""PostgreSQL: the pre-seal copies of ballots must not survive in the database files.

The adversary holds the database *files* (a disk image or a file-level backup), not a
dump. Sealing re-inserts a box's ballots with fresh random ids and VACUUMs the table;
the claim of DESIGN §4 is that the deleted copies, with their submission order, cannot
be recovered. The test reads the table's heap file and searches for the old ids.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from phieukin.ballots import services
from phieukin.ballots.models import Ballot
from phieukin.rounds.models import BallotBox
from tests.adversarial.conftest import full_sheets

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="reads PostgreSQL's heap file (SQLite files: ballots/tests/test_anonymity.py)",
    ),
]


def _heap_bytes(table: str) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        cursor.execute(
            "SELECT current_setting('data_directory'), pg_relation_filepath(%s)", [table]
        )
        directory, relative = cursor.fetchone()
    path = Path(directory) / relative
    if not os.access(path, os.R_OK):
        pytest.skip("the PostgreSQL data directory is not readable here")
    return b"".join(
        p.read_bytes()
        for p in sorted(path.parent.glob(f"{path.name}*"))
        if "_" not in p.name[len(path.name) :]
    )


def _surviving(box: BallotBox, old: list[int]) -> int:
    data = _heap_bytes("ballots_ballot")
    return sum(struct.pack("<q", i) in data for i in old)


def _seal_and_count(box: BallotBox) -> int:
    services.open_box(actor=None, box=box)
    for n, code in enumerate(services.generate_codes(actor=None, box=box, count=40)):
        services.cast_ballot(code=code, sheets=full_sheets(box, n, f"m{n:03d}"))
    old = list(Ballot.objects.filter(box=box).values_list("id", flat=True))
    assert _surviving(box, old) == len(old)  # control: the search finds the live rows
    services.close_box(actor=None, box=box)
    services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    assert not Ballot.objects.filter(id__in=old).exists()
    return _surviving(box, old)


def test_pre_seal_copies_are_gone_from_the_heap_file(box: BallotBox) -> None:
    assert _seal_and_count(box) == 0


def test_a_vacuum_full_scrub_would_leave_no_copy(box: BallotBox, monkeypatch: Any) -> None:
    """The proposed fix, tried: VACUUM FULL rewrites the tables into new files."""

    def vacuum_full() -> None:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM FULL ballots_ballot")
            cursor.execute("VACUUM FULL ballots_receipt")

    monkeypatch.setattr(services, "scrub_deleted_copies", vacuum_full)
    assert _seal_and_count(box) == 0
