"""Adversarial tests of DESIGN.md §4: no order trace after sealing, no recoverable copies.

The adversary holds the database file (and -wal) and knows the order in which people
voted. Each respondent's ballot carries a marker comment so the test can tell which
submission each stored row came from; the claims are that after sealing no stored
column and no physical row order (SQLite rowid, PostgreSQL ctid and xmin) correlates
with submission order, and that the pre-seal copies are gone from the file bytes.
"""

from __future__ import annotations

import itertools
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.db import connection

from phieukin.ballots import services
from phieukin.ballots.models import Ballot
from phieukin.rounds.models import BallotBox

pytestmark = pytest.mark.django_db(transaction=True)

RESPONDENTS = 800  # two leaders each: 1,600 ballots


def spearman(x: Any, y: Any) -> float:
    """Return Spearman's rho of two sequences (ranks by numpy, no ties expected)."""
    rx = np.argsort(np.argsort(np.asarray(x, dtype=float))).astype(float)
    ry = np.argsort(np.argsort(np.asarray(y, dtype=float))).astype(float)
    if rx.std() == 0 or ry.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, ry)[0, 1])


def _vote(box: BallotBox, sheets: Any) -> None:
    codes = services.generate_codes(actor=None, box=box, count=RESPONDENTS)
    for order, code in enumerate(codes):
        services.cast_ballot(code=code, sheets=sheets(order % 5, f"marker-{order:05d}"))


def _physical_rows() -> list[tuple[int, list[float]]]:
    """Return (submission order, [physical order measures]) per stored ballot."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT comment, rowid, id FROM ballots_ballot")
            rows = [(c, [float(r), float(i)]) for c, r, i in cursor.fetchall()]
        else:
            cursor.execute(
                "SELECT comment, (ctid::text::point)[0], (ctid::text::point)[1], "
                "xmin::text::bigint, id FROM ballots_ballot"
            )
            rows = [(c, [p * 10000 + t, float(x), float(i)]) for c, p, t, x, i in cursor.fetchall()]
    return [(int(c.split("-")[1]), measures) for c, measures in rows]


def _correlations() -> list[float]:
    rows = _physical_rows()
    order = [r[0] for r in rows]
    scan = list(range(len(rows)))  # the natural order of a scan without ORDER BY
    measures = list(zip(*[r[1] for r in rows], strict=True))
    return [spearman(order, scan)] + [spearman(order, m) for m in measures]


def test_no_stored_column_or_row_order_follows_submission_order_after_sealing(
    open_box_: BallotBox, sheets: Any
) -> None:
    _vote(open_box_, sheets)
    before = _correlations()
    assert _adjacent_pairs() > 0.9 * RESPONDENTS  # what sealing must destroy
    # The adversary's view before sealing: the physical order does follow submission
    # (this is what sealing must destroy, and shows the measure can detect it).
    assert max(abs(rho) for rho in before) > 0.9, before
    services.close_box(actor=None, box=open_box_)
    services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    after = _correlations()
    assert Ballot.objects.filter(box=open_box_).count() == 2 * RESPONDENTS
    # Under a random order rho has a standard deviation of 1/sqrt(n - 1) ~ 0.025 for 1,600
    # rows, so the bound of 0.1 is 4 sigma: a chance failure is about 1 in 15,000
    # per measure, while an unshuffled order gives more than 0.9.
    assert all(abs(rho) < 0.1 for rho in after), after
    # The two sheets of one respondent: adjacent in the file before sealing, not after.
    assert _adjacent_pairs() < 0.05 * RESPONDENTS


def _adjacent_pairs() -> int:
    """Return how many respondents' two sheets sit next to each other in physical order."""
    rows = sorted(_physical_rows(), key=lambda r: r[1][0])
    return sum(a[0] == b[0] for a, b in itertools.pairwise(rows))


def _file_bytes() -> bytes:
    name = Path(connection.settings_dict["NAME"])
    data = name.read_bytes()
    wal = Path(f"{name}-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data


def _record_bytes(value: int) -> bytes:
    """Return how SQLite stores a (large) integer in a record: 6 or 8 bytes, big-endian."""
    if -(2**47) <= value < 2**47:
        return struct.pack(">q", value)[2:]
    return struct.pack(">q", value)


def _old_ids(box: BallotBox) -> list[bytes]:
    ids = Ballot.objects.filter(box=box).values_list("id", flat=True)
    return [_record_bytes(i) for i in ids]


def _seal_and_count_surviving_copies(box: BallotBox, sheets: Any) -> int:
    _vote(box, sheets)
    old = _old_ids(box)
    assert sum(key in _file_bytes() for key in old) == len(old)  # present before sealing
    services.close_box(actor=None, box=box)
    services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    data = _file_bytes()
    return sum(key in data for key in old)


sqlite_only = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="the file-byte search needs the SQLite database file (PostgreSQL: VACUUM)",
)


@sqlite_only
def test_pre_seal_copies_cannot_be_found_in_the_database_files(
    open_box_: BallotBox, sheets: Any
) -> None:
    """The pre-seal rows (identified by their old random ids) leave no bytes behind."""
    assert _seal_and_count_surviving_copies(open_box_, sheets) == 0


@sqlite_only
def test_without_the_checkpoint_the_old_copies_would_survive(
    open_box_: BallotBox, sheets: Any, monkeypatch: Any
) -> None:
    """Control: the search above finds copies when the WAL is not checkpointed."""
    monkeypatch.setattr(services, "scrub_deleted_copies", lambda: None)
    assert _seal_and_count_surviving_copies(open_box_, sheets) > 0


@sqlite_only
def test_without_secure_delete_the_old_copies_would_survive(
    open_box_: BallotBox, sheets: Any
) -> None:
    """Control: the search above finds copies when deleted cells are not zeroed."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete=OFF")
    try:
        assert _seal_and_count_surviving_copies(open_box_, sheets) > 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete=ON")


def _file_nodes() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_relation_filenode(oid) FROM pg_class "
            "WHERE relname IN ('ballots_ballot', 'ballots_receipt', 'paper_pendingentry')"
        )
        return {name: int(node) for name, node in cursor.fetchall()}


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"), reason="PostgreSQL only (DATABASE_URL not set)"
)
def test_sealing_rewrites_the_ballot_tables_on_postgresql(
    open_box_: BallotBox, sheets: Any
) -> None:
    """VACUUM FULL writes the tables into new files, so the dead pre-seal tuples are gone.

    A plain VACUUM would keep the same file and only mark the old bytes as free space.
    """
    codes = services.generate_codes(actor=None, box=open_box_, count=3)
    for code in codes:
        services.cast_ballot(code=code, sheets=sheets(1, "x"))
    before = _file_nodes()
    services.close_box(actor=None, box=open_box_)
    services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    after = _file_nodes()
    assert set(after) == {"ballots_ballot", "ballots_receipt", "paper_pendingentry"}
    assert all(after[name] != before[name] for name in after)
