"""PostgreSQL: the pre-seal copies of ballots must not survive in the database files.

The adversary holds the database *files* (a disk image or a file-level backup), not a
dump. Sealing decrypts the box, moves its ballots, receipts and codes into the sealed
history with fresh random ids and runs VACUUM FULL on the open-box tables; the claim
is that the deleted copies (the ciphertexts, and the rows whose order and xmin followed
voting) cannot be recovered.
The pre-seal rows live in the open-box tables, which the seal rewrites with VACUUM FULL;
the sealed history only ever receives inserts. The test reads the heap files of both
and searches for the old ids and ciphertexts.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from phieukin.ballots import services
from phieukin.ballots.models import Code, PendingBallot, PendingReceipt
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


@pytest.fixture(autouse=True)
def _patient_scrub(settings: Any) -> None:
    """Let the seal wait as long as a slow shared server needs for other transactions."""
    settings.PHIEUKIN_SCRUB_WAIT_SECONDS = 120


_SCRUB = sealing.scrub_deleted_copies


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


# Where each kind of pre-seal row lived (the open-box table) and where the seal put the
# box's rows (the sealed history): a pre-seal copy is searched for in both.
_TABLES = {
    "ballots": ("ballots_pendingballot", "ballots_ballot"),
    "receipts": ("ballots_pendingreceipt", "ballots_receipt"),
    "codes": ("ballots_code", "ballots_sealedcode"),
}


def _traces(box: BallotBox) -> dict[str, list[bytes]]:
    """Return, per kind of row, the pre-seal ids (and the ballots' ciphertext slices)."""
    return {
        "ballots": [
            *(
                struct.pack("<q", i)
                for i in PendingBallot.objects.filter(box=box).values_list("id", flat=True)
            ),
            *(
                bytes(c)[40:72]
                for c in PendingBallot.objects.filter(box=box).values_list("ciphertext", flat=True)
            ),
        ],
        "receipts": [
            struct.pack("<q", i)
            for i in PendingReceipt.objects.filter(box=box).values_list("id", flat=True)
        ],
        "codes": [
            struct.pack("<q", i) for i in Code.objects.filter(box=box).values_list("id", flat=True)
        ],
    }


def _surviving(traces: dict[str, list[bytes]]) -> int:
    found = 0
    for kind, needles in traces.items():
        data = b"".join(_heap_bytes(table) for table in _TABLES[kind])
        found += sum(needle in data for needle in needles)
    return found


def _skip_if_held_elsewhere(scrubbed: bool) -> None:
    """Skip when a transaction of *another database* on this server kept the scrub from
    completing: its id stays in every snapshot's running list, the vacuum's own included,
    so no product can rewrite the files until it ends, and the test cannot end it."""
    if scrubbed:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname <> current_database() "
            "AND backend_xid IS NOT NULL"
        )
        foreign = cursor.fetchone()[0]
    if foreign:
        pytest.skip(f"{foreign} transaction(s) of other databases on this server held the horizon")


def _seal_and_count(box: BallotBox, later: BallotBox | None = None) -> int:
    """Vote 40 respondents into *box* (then 5 into *later*, still open), seal *box*,
    and return how many of its pre-seal traces the table files still hold."""
    services.open_box(actor=None, box=box)
    for n, code in enumerate(services.generate_codes(actor=None, box=box, count=40)):
        services.cast_ballot(code=code, sheets=full_sheets(box, n, f"m{n:03d}"))
    if later is not None:
        services.open_box(actor=None, box=later)
        for n, code in enumerate(services.generate_codes(actor=None, box=later, count=5)):
            services.cast_ballot(code=code, sheets=full_sheets(later, n, f"l{n:03d}"))
    traces = _traces(box)
    total = sum(len(v) for v in traces.values())
    assert _surviving(traces) == total  # control: the search finds the live rows
    services.close_box(actor=None, box=box)
    seal = services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    assert not PendingBallot.objects.filter(box=box).exists()
    if sealing.scrub_deleted_copies is _SCRUB:
        _skip_if_held_elsewhere(seal.scrubbed_at is not None)
    return _surviving(traces)


def test_no_pre_seal_id_or_ciphertext_is_left_in_the_table_files(box: BallotBox) -> None:
    assert _seal_and_count(box) == 0


def test_without_vacuum_full_the_old_copies_would_survive(
    box: BallotBox, other_box: BallotBox, monkeypatch: Any
) -> None:
    """Control: a plain VACUUM only marks the dead tuples free; the search finds them.

    Another box still open has rows after them (a plain VACUUM cuts only empty pages
    off the end of a table, which would otherwise take the dead tuples with it).
    """

    def plain_vacuum(**_: Any) -> sealing.ScrubReport:
        with connection.cursor() as cursor:
            for table in sealing.OPEN_BOX_TABLES:
                cursor.execute(f"VACUUM {table}")
        return sealing.ScrubReport(True, 1)

    monkeypatch.setattr(sealing, "scrub_deleted_copies", plain_vacuum)
    assert _seal_and_count(box, later=other_box) > 0


class _Holder:
    """Another session of the same database, idle inside an open transaction.

    ``snapshot``: a REPEATABLE READ transaction that has read a table (it keeps a
    snapshot, as a ``pg_dump`` does); ``xid``: a transaction that has been given a
    transaction id (as any writer has, in this database or another). Either way every
    row version deleted after it began stays visible to it, so ``VACUUM FULL`` must copy
    those versions into the new file until it ends.
    """

    def __init__(self, kind: str) -> None:
        import psycopg

        s = connection.settings_dict
        self.conn = psycopg.connect(
            host=s["HOST"], port=s["PORT"], user=s["USER"], password=s["PASSWORD"], dbname=s["NAME"]
        )
        if kind == "snapshot":
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            self.conn.execute("SELECT count(*) FROM rounds_ballotbox")
        else:
            self.conn.execute("SELECT pg_current_xact_id()")
        self.open = True

    def end(self) -> None:
        if self.open:
            self.conn.rollback()
            self.conn.close()
            self.open = False


def _vote_and_trace(box: BallotBox) -> dict[str, list[bytes]]:
    services.open_box(actor=None, box=box)
    for n, code in enumerate(services.generate_codes(actor=None, box=box, count=20)):
        services.cast_ballot(code=code, sheets=full_sheets(box, n, f"h{n:03d}"))
    services.close_box(actor=None, box=box)
    return _traces(box)


@pytest.mark.parametrize("kind", ["snapshot", "xid"])
def test_the_seal_waits_for_a_session_idle_in_an_older_transaction(
    box: BallotBox, kind: str, monkeypatch: Any
) -> None:
    """The failure seen in a long test run: an idle session that opened its transaction
    before the seal kept every pre-seal copy in the rewritten files. The seal now sees
    it, waits until it ends, and only then rewrites the tables."""
    traces = _vote_and_trace(box)
    holder = _Holder(kind)
    seen: list[int] = []
    detect = sealing._pg_older_transactions

    def watching(cursor: Any, xid: str) -> int:
        older = detect(cursor, xid)
        seen.append(older)
        if older:
            holder.end()  # the other session finishes its work while the seal waits
        return older

    monkeypatch.setattr(sealing, "_pg_older_transactions", watching)
    try:
        seal = services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    finally:
        holder.end()
    assert seen[0] > 0  # the open transaction was seen
    _skip_if_held_elsewhere(seal.scrubbed_at is not None)
    assert seen[-1] == 0
    assert seal.scrubbed_at is not None
    assert _surviving(traces) == 0


def test_the_seal_checks_what_vacuum_full_kept_and_rewrites_again(
    box: BallotBox, monkeypatch: Any
) -> None:
    """A session the wait cannot see (another role's, say) is caught by the server's own
    count of the row versions VACUUM FULL kept; the seal rewrites again once it ends."""
    traces = _vote_and_trace(box)
    holder = _Holder("snapshot")
    kept: list[dict[str, int]] = []
    rewrite = sealing._pg_vacuum_full

    def checked(cursor: Any, tables: Any) -> dict[str, int]:
        result = rewrite(cursor, tables)
        kept.append(result)
        holder.end()
        return result

    monkeypatch.setattr(sealing, "_pg_older_transactions", lambda cursor, xid: 0)
    monkeypatch.setattr(sealing, "_pg_vacuum_full", checked)
    try:
        seal = services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    finally:
        holder.end()
    assert kept[0].get("ballots_pendingballot", 0) > 0  # the first rewrite had to keep them
    _skip_if_held_elsewhere(seal.scrubbed_at is not None)
    assert kept[-1] == {}
    assert seal.scrubbed_at is not None
    assert _surviving(traces) == 0


def test_a_scrub_that_cannot_complete_is_reported_and_finished_later(
    box: BallotBox, settings: Any
) -> None:
    """While the other session stays open the seal does not claim the copies are gone:
    the seal says it is not scrubbed (and the copies are indeed there); scrub_boxes
    finishes the work once the session has ended."""
    from phieukin.audit.models import AuditEvent

    settings.PHIEUKIN_SCRUB_WAIT_SECONDS = 0.5
    traces = _vote_and_trace(box)
    holder = _Holder("xid")
    try:
        seal = services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
        assert seal.scrubbed_at is None
        assert _surviving(traces) > 0
    finally:
        holder.end()
    report = services.scrub_sealed_boxes(actor=None, wait_seconds=120)
    _skip_if_held_elsewhere(report.complete)
    assert report.complete
    seal.refresh_from_db()
    assert seal.scrubbed_at is not None
    assert _surviving(traces) == 0
    event = AuditEvent.objects.filter(action="box.scrub").get()
    assert event.data["boxes"] == [box.pk]
