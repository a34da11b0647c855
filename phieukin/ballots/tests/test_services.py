"""The ballot services: codes, casting, lifecycle, sealing, verification."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

from phieukin.ballots import services
from phieukin.ballots.models import Ballot, Code, PendingBallot, PendingReceipt, Seal
from phieukin.ballots.services import SheetInput, cast_ballot
from phieukin.core.errors import Conflict, DomainError, PermissionDenied
from phieukin.rounds.models import BallotBox, Subject


def test_codes_are_stored_only_as_keyed_hashes(open_box_: BallotBox) -> None:
    plain = services.generate_codes(actor=None, box=open_box_, count=5)
    stored = list(Code.objects.filter(box=open_box_).values_list("digest", flat=True))
    assert len(stored) == 5
    for code in plain:
        bare = code.replace("-", "")
        assert all(bare not in d and code not in d for d in stored)
        assert services.code_digest(bare) in stored


def test_a_ward_organiser_of_another_ward_cannot_make_codes(
    open_box_: BallotBox, outsider: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.generate_codes(actor=outsider, box=open_box_, count=1)


def test_casting_stores_one_ballot_per_leader_and_returns_receipts(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    receipts = cast_ballot(code=box_codes[0], sheets=sheets(1, "Góp ý"))
    leaders = Subject.objects.filter(conference=open_box_.conference).count()
    assert len(receipts) == leaders == PendingBallot.objects.filter(box=open_box_).count()
    assert set(PendingReceipt.objects.values_list("value", flat=True)) == set(receipts)
    assert Code.objects.filter(state="used").count() == 1


def test_it_rejects_a_used_code(box_codes: list[str], sheets: Any) -> None:
    cast_ballot(code=box_codes[0], sheets=sheets())
    with pytest.raises(Conflict) as error:
        cast_ballot(code=box_codes[0], sheets=sheets())
    assert error.value.code == "code_used"
    assert error.value.status == 409


def test_a_mistyped_code_is_refused_without_a_query(
    box_codes: list[str], sheets: Any, django_assert_num_queries: Any
) -> None:
    code = box_codes[0]
    typo = ("0" if code[0] != "0" else "1") + code[1:]
    with django_assert_num_queries(0), pytest.raises(DomainError) as error:
        services.lookup_code(typo)
    assert error.value.code == "code_format"
    assert "kiểm tra lại" in str(error.value.message)


def test_an_unknown_code_gets_404(open_box_: BallotBox, sheets: Any) -> None:
    from phieukin.ballots import codes

    with pytest.raises(DomainError) as error:
        cast_ballot(code=codes.generate(), sheets=sheets())
    assert error.value.status == 404


def test_a_closed_box_refuses_codes(box_codes: list[str], sheets: Any, open_box_: Any) -> None:
    services.close_box(actor=None, box=open_box_)
    with pytest.raises(Conflict) as error:
        cast_ballot(code=box_codes[0], sheets=sheets())
    assert error.value.code == "box_not_open"
    assert not PendingBallot.objects.exists()


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda s: [SheetInput(999999, s[0].answers), *s[1:]], "unknown_subject"),
        (
            lambda s: [SheetInput(s[0].subject_id, {**s[0].answers, "zz99": "tot"}), *s[1:]],
            "unknown_item",
        ),
        (
            lambda s: [SheetInput(s[0].subject_id, {**s[0].answers, "nd01": "xuat_sac"}), *s[1:]],
            "unknown_option",
        ),
        (
            lambda s: [SheetInput(s[0].subject_id, {**s[0].answers, "nd01": None}), *s[1:]],
            "missing_answers",
        ),
        (
            lambda s: [SheetInput(s[0].subject_id, s[0].answers, "x" * 5000), *s[1:]],
            "comment_too_long",
        ),
        (lambda s: s[:1], "missing_sheets"),
        (lambda s: s[:1] + s[:1], "duplicate_subject"),
        (lambda s: [], "no_sheets"),
    ],
)
def test_bad_sheets_are_refused_and_nothing_is_stored(
    box_codes: list[str], sheets: Any, mutate: Any, code: str
) -> None:
    with pytest.raises(DomainError) as error:
        cast_ballot(code=box_codes[0], sheets=mutate(sheets()))
    assert error.value.code == code
    assert not PendingBallot.objects.exists() and not PendingReceipt.objects.exists()
    assert not Code.objects.filter(state="used").exists()


def test_a_box_opens_only_empty_and_locks_the_round_rules(box: BallotBox) -> None:
    assert box.conference.round.rules_locked_at is None
    services.open_box(actor=None, box=box)
    box.conference.round.refresh_from_db()
    assert box.conference.round.rules_locked_at is not None
    with pytest.raises(Conflict):
        services.open_box(actor=None, box=box)


def test_voided_codes_cannot_vote(box_codes: list[str], sheets: Any, open_box_: Any) -> None:
    assert services.void_codes(actor=None, box=open_box_, codes=box_codes[:2]) == 2
    with pytest.raises(Conflict) as error:
        cast_ballot(code=box_codes[0], sheets=sheets())
    assert error.value.code == "code_voided"


def _code_lookups(queries: Any) -> list[str]:
    return [q["sql"] for q in queries if "FROM ballots_code" in q["sql"] and "SELECT" in q["sql"]]


def test_after_a_boxs_first_ballot_its_codes_cost_no_lookup(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        cast_ballot(code=box_codes[0], sheets=sheets(1))
    # The code's lookup, then every code of the box at once.
    assert len(_code_lookups(first.captured_queries)) == 2
    with CaptureQueriesContext(connection) as second:
        cast_ballot(code=box_codes[1], sheets=sheets(2))
    assert _code_lookups(second.captured_queries) == []
    assert Code.objects.filter(state="used").count() == 2
    assert PendingBallot.objects.filter(box=open_box_).count() == 2 * len(sheets(1))


def test_a_code_known_to_the_process_still_gets_its_own_refusal(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    cast_ballot(code=box_codes[0], sheets=sheets())  # the box's codes are known now
    services.void_codes(actor=None, box=open_box_, codes=[box_codes[1]])
    with pytest.raises(Conflict) as voided:
        cast_ballot(code=box_codes[1], sheets=sheets())
    assert voided.value.code == "code_voided"
    with pytest.raises(Conflict) as used:
        cast_ballot(code=box_codes[0], sheets=sheets())
    assert used.value.code == "code_used"
    services.close_box(actor=None, box=open_box_)
    with pytest.raises(Conflict) as closed:
        cast_ballot(code=box_codes[2], sheets=sheets())
    assert closed.value.code == "box_not_open"
    assert PendingBallot.objects.filter(box=open_box_).count() == len(sheets())
    assert Code.objects.filter(state="used").count() == 1


def test_a_code_known_wrongly_claims_nothing_else_and_votes_with_the_databases_facts(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    # A process that knew the code under another row (a database restored under a running
    # server): the claim checks the digest, so the other row stays unused, and the code
    # is looked up anew and votes.
    from phieukin.ballots.services import codes as code_services

    cast_ballot(code=box_codes[0], sheets=sheets())
    digest = services.code_digest(box_codes[1].replace("-", ""))
    other = Code.objects.get(digest=services.code_digest(box_codes[2].replace("-", "")))
    right = code_services.known_code(digest)
    assert right is not None
    code_services._known_codes[digest] = code_services.CodeInfo(
        other.pk, right.box_id, right.group_id, right.box_opened_at
    )
    assert len(cast_ballot(code=box_codes[1], sheets=sheets())) == len(sheets())
    other.refresh_from_db()
    assert other.state == "unused"
    assert Code.objects.get(digest=digest).state == "used"
    assert len(cast_ballot(code=box_codes[2], sheets=sheets())) == len(sheets())


def _fill(box: BallotBox, codes: list[str], sheets: Any, n: int) -> None:
    for i in range(n):
        cast_ballot(code=codes[i], sheets=sheets(i % 5, f"ý kiến {i}"))
    services.close_box(actor=None, box=box)


def test_sealing_refuses_a_mismatch_unless_acknowledged(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    _fill(open_box_, box_codes, sheets, 3)
    with pytest.raises(Conflict) as error:
        services.seal_box(actor=None, box=open_box_)
    assert error.value.code == "reconciliation_mismatch"
    seal = services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    assert seal.reconciliation_acknowledged
    assert seal.counts["codes_used"] == 3


def test_sealing_with_reconciled_counts_needs_no_acknowledgement(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    conference = open_box_.conference
    conference.present_count = 4
    conference.save()
    services.enter_paper_ballot(
        actor=None,
        box=open_box_,
        subject=Subject.objects.filter(conference=conference)[0],
        answers={"nd01": "tot"},
    )
    services.record_paper_counts(actor=None, box=open_box_, issued=2, returned=1)
    _fill(open_box_, box_codes, sheets, 3)
    seal = services.seal_box(actor=None, box=open_box_)
    assert not seal.reconciliation_acknowledged
    assert services.verify_box(box=open_box_).ok


def test_sealing_gives_every_ballot_a_fresh_id(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    _fill(open_box_, box_codes, sheets, 5)
    before = set(PendingBallot.objects.values_list("id", flat=True))
    services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    after = set(Ballot.objects.values_list("id", flat=True))
    assert len(after) == len(before) and not (before & after)


def test_nothing_changes_in_a_sealed_box(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    _fill(open_box_, box_codes, sheets, 3)
    services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    subject = Subject.objects.filter(conference=open_box_.conference)[0]
    with pytest.raises(Conflict):
        services.enter_paper_ballot(actor=None, box=open_box_, subject=subject, answers={})
    with pytest.raises(Conflict):
        services.void_codes(actor=None, box=open_box_, codes=box_codes[5:6])
    with pytest.raises(Conflict):
        services.reopen_box(actor=None, box=open_box_)
    with pytest.raises(Conflict):
        services.generate_codes(actor=None, box=open_box_, count=1)


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        (
            "UPDATE ballots_ballot SET answers = '3' || substr(answers, 2) WHERE id = "
            "(SELECT min(id) FROM ballots_ballot)",
            "Các phiếu khác",
        ),
        (
            "DELETE FROM ballots_receipt WHERE id = (SELECT min(id) FROM ballots_receipt)",
            "Các biên nhận khác",
        ),
        (
            "UPDATE ballots_sealedcode SET state = 'unused' WHERE id = "
            "(SELECT min(id) FROM ballots_sealedcode WHERE state = 'used')",
            "codes_used",
        ),
    ],
)
def test_tampering_after_sealing_is_detected(
    box_codes: list[str], sheets: Any, open_box_: BallotBox, sql: str, words: str
) -> None:
    _fill(open_box_, box_codes, sheets, 3)
    services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    assert services.verify_box(box=open_box_).ok
    with connection.cursor() as cursor:
        cursor.execute(sql)
        assert cursor.rowcount >= 1
    report = services.verify_box(box=open_box_)
    assert not report.ok
    assert any(words in str(p) for p in report.problems), report.problems


def test_seal_record_is_unique_per_box(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    _fill(open_box_, box_codes, sheets, 1)
    services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    assert Seal.objects.filter(box=open_box_).count() == 1


def test_a_rewritten_seal_record_is_detected(
    box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    _fill(open_box_, box_codes, sheets, 3)
    seal = services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    forged = {**seal.counts, "codes_used": 2}
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ballots_seal SET counts = %s WHERE id = %s", [json.dumps(forged), seal.pk]
        )
    report = services.verify_box(box=open_box_)
    assert not report.ok
    assert any("Bản ghi niêm phong" in str(p) for p in report.problems), report.problems
