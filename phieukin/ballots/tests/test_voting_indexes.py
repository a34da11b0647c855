"""The open-box tables carry only the indexes the product reads by: each ballot writes
every one of them, so an index no query uses is paid for by every voter."""

from __future__ import annotations

from collections import Counter

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


def test_a_ballot_row_is_indexed_by_id_by_box_and_leader_and_by_leader_only() -> None:
    assert _indexed_columns("ballots_pendingballot") == Counter(
        {("id",): 1, ("box_id", "subject_id"): 1, ("subject_id",): 1}
    )


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
