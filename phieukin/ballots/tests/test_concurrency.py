"""Concurrent double submission of one code: exactly one succeeds, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from phieukin.ballots.models import Ballot, Code, Receipt
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
    assert Ballot.objects.filter(box=open_box_).count() == leaders
    assert Receipt.objects.filter(box=open_box_).count() == leaders
    assert Code.objects.filter(box=open_box_, state="used").count() == 1


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
