"""The open-box tables carry only the indexes the product reads by: each ballot writes
every one of them, so an index no query uses is paid for by every voter."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection

from phieukin.rounds.models import BallotBox

pytestmark = pytest.mark.django_db


def _indexed_columns(table: str) -> Counter[tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return Counter(
        tuple(spec["columns"])
        for spec in constraints.values()
        if spec["index"] or spec["unique"] or spec["primary_key"]
    )


def test_a_ballot_row_is_indexed_by_id_and_by_box_and_leader_only() -> None:
    assert _indexed_columns("ballots_pendingballot") == Counter(
        {("id",): 1, ("box_id", "subject_id"): 1}
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TOAST is PostgreSQL's")
def test_on_postgresql_a_compact_sheet_stays_in_its_row(open_box_: BallotBox, sheets: Any) -> None:
    # A sheet of the default comment limit (4.304 bytes sealed) is written in the table's
    # own page, not in five out-of-line chunks and their index.
    from phieukin.ballots import services
    from phieukin.ballots.models import PendingBallot

    code = services.generate_codes(actor=None, box=open_box_, count=1)[0]
    services.cast_ballot(code=code, sheets=sheets(0, "ệ" * 2000))
    assert {
        len(bytes(c or b"")) for c in PendingBallot.objects.values_list("ciphertext", flat=True)
    } == {4304}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions, reltoastrelid::regclass::text FROM pg_class "
            "WHERE relname = 'ballots_pendingballot'"
        )
        options, toast = cursor.fetchone()
        assert "toast_tuple_target=8160" in options
        cursor.execute(f"SELECT count(*) FROM {toast}")
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM ballots_pendingballot WHERE pg_column_size(ciphertext) >= 4304"
        )
        assert cursor.fetchone()[0] == len(sheets())


def test_a_receipt_and_a_code_are_each_indexed_once_by_value() -> None:
    receipts = _indexed_columns("ballots_pendingreceipt")
    assert receipts[("value",)] == 1
    assert receipts == Counter({("id",): 1, ("box_id",): 1, ("value",): 1})
    codes = _indexed_columns("ballots_code")
    assert codes[("digest",)] == 1


def test_a_repeated_receipt_or_code_is_still_refused_by_the_database(box: BallotBox) -> None:
    from django.db import IntegrityError, transaction

    from phieukin.ballots.models import Code, PendingReceipt

    PendingReceipt.objects.create(box=box, value="ABCD-EFGH-JKMN")
    with pytest.raises(IntegrityError), transaction.atomic():
        PendingReceipt.objects.create(box=box, value="ABCD-EFGH-JKMN")
    Code.objects.create(box=box, digest="d" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        Code.objects.create(box=box, digest="d" * 64)
