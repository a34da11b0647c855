"""PostgreSQL: the pre-seal copies of ballots must not survive in the database files.

The adversary holds the database *files* (a disk image or a file-level backup), not a
dump. Sealing decrypts the box, re-inserts its ballots, receipts and codes with fresh
random ids and runs VACUUM FULL; the claim of DESIGN §4 is that the deleted copies (the
ciphertexts, and the rows whose order and xmin followed voting) cannot be recovered.
The test reads the tables' heap files and searches for the old ids and ciphertexts.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from phieukin.ballots import services
from phieukin.ballots.models import Ballot, Code, Receipt
from phieukin.ballots.services import sealing
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
    """Return the bytes of the table's heap file and of its TOAST table (long values)."""
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        cursor.execute(
            "SELECT current_setting('data_directory'), pg_relation_filepath(oid), "
            "pg_relation_filepath(NULLIF(reltoastrelid, 0)) FROM pg_class "
            "WHERE relname = %s AND relkind = 'r'",
            [table],
        )
        directory, relative, toast = cursor.fetchone()
    data = b""
    for part in (relative, toast):
        if part is None:
            continue
        path = Path(directory) / part
        if not os.access(path, os.R_OK):
            pytest.skip("the PostgreSQL data directory is not readable here")
        data += b"".join(
            p.read_bytes()
            for p in sorted(path.parent.glob(f"{path.name}*"))
            if "_" not in p.name[len(path.name) :]
        )
    return data


def _traces(box: BallotBox) -> dict[str, list[bytes]]:
    """Return, per table, the pre-seal ids (and the ballots' ciphertext slices) to look for."""
    return {
        "ballots_ballot": [
            *(
                struct.pack("<q", i)
                for i in Ballot.objects.filter(box=box).values_list("id", flat=True)
            ),
            *(
                bytes(c)[40:72]
                for c in Ballot.objects.filter(box=box).values_list("ciphertext", flat=True)
            ),
        ],
        "ballots_receipt": [
            struct.pack("<q", i)
            for i in Receipt.objects.filter(box=box).values_list("id", flat=True)
        ],
        "ballots_code": [
            struct.pack("<q", i) for i in Code.objects.filter(box=box).values_list("id", flat=True)
        ],
    }


def _surviving(traces: dict[str, list[bytes]]) -> int:
    found = 0
    for table, needles in traces.items():
        data = _heap_bytes(table)
        found += sum(needle in data for needle in needles)
    return found


def _seal_and_count(box: BallotBox) -> int:
    services.open_box(actor=None, box=box)
    for n, code in enumerate(services.generate_codes(actor=None, box=box, count=40)):
        services.cast_ballot(code=code, sheets=full_sheets(box, n, f"m{n:03d}"))
    traces = _traces(box)
    total = sum(len(v) for v in traces.values())
    assert _surviving(traces) == total  # control: the search finds the live rows
    services.close_box(actor=None, box=box)
    services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    assert not Ballot.objects.filter(box=box, ciphertext__isnull=False).exists()
    return _surviving(traces)


def test_no_pre_seal_id_or_ciphertext_is_left_in_the_table_files(box: BallotBox) -> None:
    assert _seal_and_count(box) == 0


def test_without_vacuum_full_the_old_copies_would_survive(box: BallotBox, monkeypatch: Any) -> None:
    """Control: a plain VACUUM only marks the dead tuples free; the search finds them."""

    def plain_vacuum(**_: Any) -> sealing.ScrubReport:
        with connection.cursor() as cursor:
            for table in ("ballots_ballot", "ballots_receipt", "ballots_code"):
                cursor.execute(f"VACUUM {table}")
        return sealing.ScrubReport(True, 1)

    monkeypatch.setattr(sealing, "scrub_deleted_copies", plain_vacuum)
    assert _seal_and_count(box) > 0
