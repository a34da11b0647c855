"""Concurrent double submission of one code: exactly one succeeds, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from phieukin.ballots.models import Ballot, Code, PendingBallot, PendingReceipt, Receipt
from phieukin.ballots.services import cast_ballot
from phieukin.core.errors import Conflict
from phieukin.rounds.models import BallotBox

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def _race(code: str, sheets: list[Any]) -> list[str]:
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def submit() -> None:
        try:
            start.wait()
            cast_ballot(code=code, sheets=sheets)
            result = "201"
        except Conflict:
            result = "409"
        except Exception as exc:
            result = f"error {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_many_threads_submitting_one_code_store_exactly_one_ballot(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    outcomes = _race(box_codes[0], sheets(2, "một lần"))
    assert sorted(outcomes) == ["201"] + ["409"] * (THREADS - 1), outcomes
    leaders = open_box_.conference.subjects.count()
    assert PendingBallot.objects.filter(box=open_box_).count() == leaders
    assert PendingReceipt.objects.filter(box=open_box_).count() == leaders
    assert Code.objects.filter(box=open_box_, state="used").count() == 1


def test_a_ballot_whose_storing_fails_stores_nothing_and_leaves_its_code_usable(
    box_codes: list[str], sheets: Any, open_box_: BallotBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the gate, the claim and the inserts travel as one pipeline, one
    implicit transaction; a failure inside it (here a receipt that already exists) rolls
    all of it back."""
    from django.db import IntegrityError

    from phieukin.ballots import codes as codes_mod

    first = cast_ballot(code=box_codes[0], sheets=sheets(2, "trước"))
    monkeypatch.setattr(codes_mod, "new_receipt", lambda: first[0])
    with pytest.raises(IntegrityError):
        cast_ballot(code=box_codes[1], sheets=sheets(2, "trùng"))
    monkeypatch.undo()
    assert Code.objects.filter(box=open_box_, state="used").count() == 1
    assert PendingBallot.objects.filter(box=open_box_).count() == len(first)
    assert len(cast_ballot(code=box_codes[1], sheets=sheets(2, "lại"))) == len(first)
    assert PendingReceipt.objects.filter(box=open_box_).count() == 2 * len(first)


def test_a_ballot_cast_inside_a_callers_transaction_commits_with_it(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        cast_ballot(code=box_codes[0], sheets=sheets(2, "trong giao dịch"))
        raise RuntimeError("the caller gives up")
    assert Code.objects.filter(box=open_box_, state="used").count() == 0
    assert PendingBallot.objects.filter(box=open_box_).count() == 0
    with transaction.atomic():
        receipts = cast_ballot(code=box_codes[0], sheets=sheets(2, "trong giao dịch"))
    assert PendingReceipt.objects.filter(box=open_box_, value__in=receipts).count() == len(receipts)
    with pytest.raises(Conflict):
        cast_ballot(code=box_codes[0], sheets=sheets(2, "lần hai"))


def test_a_failed_ballot_inside_a_callers_transaction_leaves_that_transaction_usable(
    box_codes: list[str], sheets: Any, open_box_: BallotBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within a caller's transaction the claim runs in a savepoint: its failure undoes
    only itself, and the caller's other work commits."""
    from django.db import IntegrityError, transaction

    from phieukin.ballots import codes as codes_mod

    with transaction.atomic():
        first = cast_ballot(code=box_codes[0], sheets=sheets(2, "trước"))
        monkeypatch.setattr(codes_mod, "new_receipt", lambda: first[0])
        with pytest.raises(IntegrityError):
            cast_ballot(code=box_codes[1], sheets=sheets(2, "trùng"))
        monkeypatch.undo()
        second = cast_ballot(code=box_codes[2], sheets=sheets(2, "sau"))
    assert Code.objects.filter(box=open_box_, state="used").count() == 2
    assert PendingReceipt.objects.filter(box=open_box_).count() == len(first) + len(second)
    assert PendingBallot.objects.filter(box=open_box_).count() == len(first) + len(second)
    # The code of the failed ballot is still unused.
    assert len(cast_ballot(code=box_codes[1], sheets=sheets(2, "lại"))) == len(first)


def test_on_postgresql_the_voting_statements_are_prepared_once_per_connection(
    box_codes: list[str], sheets: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for code in box_codes[:7]:
        cast_ballot(code=code, sheets=sheets(2, ""))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(text.startswith("WITH claim AS") and "$1" in text for text in prepared)
    # The code's lookup ran once, for the box's first ballot: the box's codes are known
    # to the process since (see test_services), so it never needed preparing.
    assert not any("FROM ballots_code c JOIN" in text for text in prepared)


def _admin_connection() -> Any:
    """Return a second, independent psycopg connection to the test database."""
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=False)


def test_on_postgresql_a_ballot_waiting_for_the_gate_sees_the_box_closed_meanwhile(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    """The claim runs after the shared gate is granted, on a snapshot taken then: a ballot
    that waited while the box was being closed is refused and stores nothing."""
    import time

    from phieukin.ballots.services.common import box_gate_sql

    if connection.vendor != "postgresql":
        pytest.skip("the advisory gate is PostgreSQL's; SQLite's write lock serialises")
    closer = _admin_connection()
    try:
        gate_sql, gate_params = box_gate_sql(open_box_.pk, exclusive=True)
        closer.execute(gate_sql, gate_params)
        outcome: list[str] = []

        def vote() -> None:
            try:
                cast_ballot(code=box_codes[0], sheets=sheets(1, "chờ cổng"))
                outcome.append("stored")
            except Conflict as exc:
                outcome.append(exc.code)
            finally:
                connections.close_all()

        voter = threading.Thread(target=vote)
        voter.start()
        waiting = 0
        for _ in range(200):
            row = closer.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND objid = %s",
                [open_box_.pk],
            ).fetchone()
            waiting = row[0] if row else 0
            if waiting:
                break
            time.sleep(0.05)
        assert waiting == 1, "the ballot did not wait for the box's gate"
        closer.execute("UPDATE rounds_ballotbox SET state = 'closed' WHERE id = %s", [open_box_.pk])
        closer.commit()
        voter.join(timeout=30)
    finally:
        closer.close()
    assert outcome == ["box_not_open"]
    assert PendingBallot.objects.filter(box=open_box_).count() == 0
    assert Code.objects.filter(box=open_box_, state="used").count() == 0


def test_on_postgresql_a_ballot_leaves_no_transaction_nor_gate_behind(
    box_codes: list[str], sheets: Any
) -> None:
    """The implicit transaction of the ballot's pipeline ends at its Sync, committed: the
    connection is idle and holds no advisory lock once the receipts are returned."""
    from psycopg.pq import TransactionStatus

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's pipeline")
    cast_ballot(code=box_codes[0], sheets=sheets(0, "xong"))
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        assert cursor.fetchone()[0] == 0
    observer = _admin_connection()
    try:
        row = observer.execute("SELECT count(*) FROM ballots_code WHERE state = 'used'").fetchone()
    finally:
        observer.close()
    assert row is not None and row[0] == 1


def test_on_postgresql_a_failed_claim_raises_djangos_error_and_stores_nothing(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    """The voting path's statements run on the driver's own cursors (no query logging in
    production): an error the server reports at the pipeline's end still comes as Django's
    error, the implicit transaction is rolled back, and the connection is usable again."""
    from django.db import IntegrityError
    from psycopg.pq import TransactionStatus

    from phieukin.ballots import codes as codes_mod
    from phieukin.ballots.services import casting
    from phieukin.ballots.services.codes import lookup_digest
    from phieukin.ballots.services.common import code_digest, normalise_code

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's pipeline")
    digest = code_digest(normalise_code(box_codes[0]))
    row = lookup_digest(digest)
    spec = casting.box_spec(row.box_id, opened_at=row.box_opened_at)
    rows = casting._ballot_rows(spec, sheets(0, "lỗi"), row.group_id)
    # A leader that does not exist: the foreign key refuses it when the pipeline commits.
    rows[0] = rows[0]._replace(subject_id=987_654_321)
    receipts = [codes_mod.new_receipt() for _ in rows]
    with pytest.raises(IntegrityError):
        casting._claim_and_store_postgresql(row.pk, digest, row.box_id, rows, receipts)
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    assert PendingBallot.objects.filter(box=open_box_).count() == 0
    assert PendingReceipt.objects.filter(box=open_box_).count() == 0
    assert Code.objects.get(digest=digest).state == "unused"
    assert len(cast_ballot(code=box_codes[0], sheets=sheets(0, "lại"))) == len(sheets())


def test_on_postgresql_the_open_box_tables_check_their_foreign_keys_at_each_statement() -> None:
    """A constraint checked at commit would fail at the ballot pipeline's Sync, where
    psycopg cannot recover (see ``ballots/0011``): the open-box tables' are immediate."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's deferrable constraints")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, condeferrable FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text IN "
            "('ballots_pendingballot', 'ballots_pendingreceipt')"
        )
        found = cursor.fetchall()
    assert sorted(table for table, _d in found) == [
        "ballots_pendingballot",
        "ballots_pendingballot",
        "ballots_pendingballot",
        "ballots_pendingreceipt",
    ]
    assert not any(deferrable for _t, deferrable in found)


def _slow_after_the_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the client slow once the pipeline's Sync is sent, as a loaded machine does.

    psycopg's pipeline then reads the Sync's answer in the same pass as the statements'
    results. An error reported at the Sync gives one result more than psycopg queued, and
    psycopg 3.3 fails with ``IndexError: pop from an empty deque`` instead of the error
    (seen once in a full run beside another suite); when the answer comes later, the
    connection is left in pipeline mode instead. Both must end the same way.
    """
    import time

    from psycopg import _pipeline_base

    original = _pipeline_base.pipeline_communicate  # type: ignore[attr-defined]

    def slow(pgconn: Any, commands: Any) -> Any:
        generator = original(pgconn, commands)
        value = next(generator)
        while True:
            if not commands:  # the Sync is on its way: let its answer arrive
                time.sleep(0.05)
            ready = yield value
            try:
                value = generator.send(ready)
            except StopIteration as stop:
                return stop.value

    monkeypatch.setattr(_pipeline_base, "pipeline_communicate", slow)


@pytest.mark.parametrize("slow_client", [False, True])
def test_on_postgresql_an_error_at_the_pipelines_commit_leaves_no_stuck_connection(
    box_codes: list[str],
    sheets: Any,
    open_box_: BallotBox,
    slow_client: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An error the server raises at the Sync itself (here a constraint checked at commit,
    added for the test) fails the ballot without storing it, and the next ballot on the
    same thread goes through on a fresh connection."""
    from django.db import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's pipeline")
    if slow_client:
        _slow_after_the_sync(monkeypatch)
    admin = _admin_connection()
    try:
        # Two receipts of one ballot share the box: unique per box, checked at commit.
        admin.execute(
            "ALTER TABLE ballots_pendingreceipt ADD CONSTRAINT test_commit_time "
            "UNIQUE (box_id) DEFERRABLE INITIALLY DEFERRED"
        )
        admin.commit()
        with pytest.raises(DatabaseError):
            cast_ballot(code=box_codes[0], sheets=sheets(0, "lỗi khi ghi"))
        monkeypatch.undo()
    finally:
        admin.execute(
            "ALTER TABLE ballots_pendingreceipt DROP CONSTRAINT IF EXISTS test_commit_time"
        )
        admin.commit()
        admin.close()
    assert PendingBallot.objects.filter(box=open_box_).count() == 0
    assert Code.objects.filter(box=open_box_, state="used").count() == 0
    assert len(cast_ballot(code=box_codes[0], sheets=sheets(0, "lại"))) == len(sheets())
    assert PendingBallot.objects.filter(box=open_box_).count() == len(sheets())


def test_on_postgresql_the_voting_cursor_is_wrapped_only_when_statements_are_watched() -> None:
    """Django's cursor wrapper is skipped on the voting path, unless queries are logged or
    an execute wrapper watches them (tests and the benchmark count those statements)."""
    import psycopg
    from django.db.backends.utils import CursorWrapper
    from django.test.utils import CaptureQueriesContext

    from phieukin.ballots.services.common import binding_cursor

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's server-binding cursor")
    with binding_cursor(bare=True) as bare:
        assert type(bare) is psycopg.Cursor
    with binding_cursor() as wrapped:
        assert isinstance(wrapped, CursorWrapper)

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    seen: list[str] = []
    with connection.execute_wrapper(watch), binding_cursor(bare=True) as cursor:
        assert isinstance(cursor, CursorWrapper)
        cursor.execute("SELECT 1")
    assert seen == ["SELECT 1"]
    with CaptureQueriesContext(connection) as captured, binding_cursor(bare=True) as cursor:
        cursor.execute("SELECT 2")
    assert [q["sql"] for q in captured.captured_queries] == ["SELECT 2"]


def test_the_ballot_path_commits_durably() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 2  # FULL
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone()[0] == 1
        else:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
            cursor.execute("SHOW fsync")
            assert cursor.fetchone()[0] == "on"


_VOTER = """
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phieukin.config.settings")
django.setup()
from django.db import connections
connections["default"].settings_dict["NAME"] = sys.argv[1]
from phieukin.ballots.services import SheetInput, cast_ballot
job = json.loads(open(sys.argv[2], encoding="utf-8").read())
sheets = [SheetInput(s["subject"], s["answers"], s["comment"]) for s in job["sheets"]]
for code in job["codes"]:
    receipts = cast_ballot(code=code, sheets=sheets)
    print(" ".join(receipts), flush=True)
"""


def test_every_acknowledged_ballot_survives_kill_9_and_is_sealed(
    box_codes: list[str], sheets: Any, open_box_: BallotBox, tmp_path: Any
) -> None:
    """A voting process killed with SIGKILL loses no ballot it acknowledged (encrypted too)."""
    import json
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from phieukin.ballots import services

    job = tmp_path / "job.json"
    job.write_text(
        json.dumps(
            {
                "codes": box_codes,
                "sheets": [
                    {"subject": s.subject_id, "answers": s.answers, "comment": s.comment}
                    for s in sheets(1, "bền")
                ],
            }
        ),
        encoding="utf-8",
    )
    script = tmp_path / "voter.py"
    script.write_text(_VOTER, encoding="utf-8")
    root = Path(__file__).resolve().parents[3]
    child = subprocess.Popen(
        [sys.executable, str(script), connection.settings_dict["NAME"], str(job)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        text=True,
    )
    acknowledged: list[str] = []
    assert child.stdout is not None
    for line in child.stdout:
        acknowledged += line.split()
        if len(acknowledged) >= 10:
            break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    connections.close_all()
    services.close_box(actor=None, box=open_box_)
    services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    stored = set(Receipt.objects.filter(box=open_box_).values_list("value", flat=True))
    assert set(acknowledged) <= stored
    assert Ballot.objects.filter(box=open_box_).count() == len(stored)
    assert services.verify_box(box=open_box_).ok
