"""The public re-tally export (ballots.csv) and the private commitments of the seal.

The adversary reads every public answer of a sealed box (bulletin, CSV, tally, bulletin
page) and knows who belongs to which respondent group.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from phieukin.ballots import digest as digest_mod
from phieukin.ballots import selectors
from phieukin.ballots.models import Ballot, BallotSource, PendingBallot, Seal
from phieukin.ballots.services import seal_box, verify_box
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, RespondentGroup, Subject

pytestmark = pytest.mark.django_db

GOOD = "0" * 21
MIXED = "0123" * 5 + "4"
# Differs from MIXED on every item: a leader given both is unanimous on no item.
OTHER = "1032" * 5 + "3"


def _add(
    box: BallotBox,
    subject: Subject,
    n: int,
    *,
    group: RespondentGroup | None = None,
    answers: str | None = None,
    valid: bool = True,
    source: str = BallotSource.TYPED,
    comment: str = "",
) -> None:
    """Add *n* ballots: alternately MIXED and OTHER unless *answers* is given."""
    PendingBallot.objects.bulk_create(
        PendingBallot(
            box=box,
            subject=subject,
            group=group,
            source=source,
            valid=valid,
            answers=answers if answers is not None else (MIXED, OTHER)[i % 2],
            comment=comment,
        )
        for i in range(n)
    )


def _seal(box: BallotBox) -> BallotBox:
    BallotBox.objects.filter(pk=box.pk).update(state=BoxState.CLOSED.value)
    seal_box(actor=None, box=box, acknowledge_mismatch=True)
    return BallotBox.objects.get(pk=box.pk)


def _groups(box: BallotBox) -> list[RespondentGroup]:
    return list(RespondentGroup.objects.filter(round=box.conference.round).order_by("order"))


def _subjects(box: BallotBox) -> list[Subject]:
    return list(Subject.objects.filter(conference=box.conference).order_by("order", "pk"))


def _rows(box: BallotBox) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(selectors.ballots_csv(box))))


@pytest.fixture
def mixed_box(box: BallotBox) -> BallotBox:
    """Seal a box: leader A has 7 of one group and 1 of another; leader B 8 of one group."""
    big, small = _groups(box)[:2]
    first, second = _subjects(box)[:2]
    _add(box, first, 7, group=big)
    _add(box, first, 1, group=small, answers=GOOD)
    _add(box, second, 8, group=big)
    return _seal(box)


def test_a_group_of_fewer_than_k_is_not_readable_from_the_csv(mixed_box: BallotBox) -> None:
    first, second = _subjects(mixed_box)[:2]
    rows = _rows(mixed_box)
    of_first = [r for r in rows if r["subject"] == str(first.pk)]
    assert len(of_first) == 8  # the leader's ballots are released ...
    assert {r["group"] for r in of_first} == {""}  # ... but no row says its group
    big, small = _groups(mixed_box)[:2]
    assert small.key not in selectors.ballots_csv(mixed_box)
    # The other leader's only group holds k or more: shown.
    assert {r["group"] for r in rows if r["subject"] == str(second.pk)} == {big.key}


def test_a_leader_with_fewer_than_k_ballots_has_only_withheld_rows(box: BallotBox) -> None:
    first, second = _subjects(box)[:2]
    _add(box, first, 8, group=_groups(box)[0])
    _add(box, second, 2, valid=False)
    box = _seal(box)
    rows = _rows(box)
    assert len(rows) == 10
    assert {r["subject"] for r in rows} == {str(first.pk), ""}
    withheld = [r for r in rows if not r["subject"]]
    assert len(withheld) == 2
    for row in withheld:
        assert [key for key, value in row.items() if value] == ["leaf"]


def test_the_ward_total_minus_the_released_rows_gives_no_small_leader_away(
    box: BallotBox, client: Client
) -> None:
    first, second = _subjects(box)[:2]
    _add(box, first, 8)
    _add(box, second, 3)  # fewer than k: withheld
    box = _seal(box)
    k = box.conference.round.k_threshold
    ward = client.get(f"/api/v1/boxes/{box.pk}/tally").json()["ward"]["total"]
    assert ward["figures"]["ballots"] == 11  # the ward total is public
    released = [r for r in _rows(box) if r["subject"] and r["valid"] == "1"]
    difference = ward["figures"]["ballots"] - len(released)
    assert difference == 0 or difference >= k, difference
    assert released == []  # the tally hides leader A to protect B: so does the CSV


def test_groups_are_shown_when_every_bucket_is_empty_or_at_least_k(box: BallotBox) -> None:
    big, other = _groups(box)[:2]
    first = _subjects(box)[0]
    _add(box, first, 6, group=big)
    _add(box, first, 5, group=other)
    box = _seal(box)
    assert Counter(r["group"] for r in _rows(box)) == {big.key: 6, other.key: 5}


def test_a_small_bucket_of_invalid_ballots_hides_the_groups_too(box: BallotBox) -> None:
    big, other = _groups(box)[:2]
    first = _subjects(box)[0]
    _add(box, first, 6, group=big)
    _add(box, first, 2, group=other, valid=False)
    box = _seal(box)
    assert {r["group"] for r in _rows(box)} == {""}


def test_the_csv_has_no_source_and_no_comment_derived_column(box: BallotBox) -> None:
    first = _subjects(box)[0]
    _add(box, first, 4, source=BallotSource.ONLINE, comment="")
    _add(box, first, 2, source=BallotSource.SCANNED, comment="Cần gần dân hơn")
    box = _seal(box)
    text = selectors.ballots_csv(box)
    header = text.splitlines()[0].split(",")
    assert header[:6] == ["leaf", "subject", "group", "valid", "answers", "private"]
    assert all(column.startswith("nd") for column in header[6:])
    assert "online" not in text and "scanned" not in text and "typed" not in text
    for comment in ("", "Cần gần dân hơn"):
        assert hashlib.sha256(comment.encode()).hexdigest() not in text
    rows = _rows(box)
    assert len(rows) == 6 and all(r["subject"] for r in rows)
    # One commitment per ballot: the two scanned ones form no class of their own.
    assert len({r["private"] for r in rows}) == 6


def test_every_leaf_is_the_leaf_of_its_row_and_rows_are_sorted_by_leaf(
    mixed_box: BallotBox,
) -> None:
    rows = _rows(mixed_box)
    assert [r["leaf"] for r in rows] == sorted(r["leaf"] for r in rows)
    for row in rows:
        if not row["subject"]:
            continue
        line = json.dumps(
            [
                mixed_box.pk,
                int(row["subject"]),
                int(row["valid"]),
                row["answers"],
                row["private"],
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        assert hashlib.sha256(b"\x00" + line).hexdigest() == row["leaf"]
    leaves = [bytes.fromhex(r["leaf"]) for r in rows]
    assert digest_mod.root_of_leaves(leaves) == mixed_box.seal.ballots_root


def test_a_unanimous_banded_leader_has_only_withheld_rows(box: BallotBox, client: Client) -> None:
    first, second = _subjects(box)[:2]
    _add(box, first, 6)  # varied answers
    _add(box, second, 6, answers=MIXED)  # 6 people all alike: banded by the tally
    box = _seal(box)
    tally = client.get(f"/api/v1/boxes/{box.pk}/tally").json()["ward"]
    of_second = tally["subjects"][[s["subject"] for s in tally["subjects"]].index(second.pk)]
    assert all(i["banded"] for i in of_second["total"]["figures"]["items"])
    rows = _rows(box)
    assert len(rows) == 12
    # The first leader is banded too (the ward minus the second would give it back):
    # no row says anything but its leaf, so no k identical rows give the votes away.
    assert all([key for key, value in r.items() if value] == ["leaf"] for r in rows)


def test_a_leader_shown_in_full_is_released_beside_a_withheld_one(box: BallotBox) -> None:
    first, second = _subjects(box)[:2]
    _add(box, first, 10, answers=MIXED)  # unanimous but 10 people: not banded
    _add(box, second, 6)
    rows = _rows(_seal(box))
    assert Counter(r["subject"] for r in rows) == {str(first.pk): 10, str(second.pk): 6}
    assert len({r["private"] for r in rows}) == 16  # no classes of alike ballots


def _raw_update(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


ONE_BALLOT = "(SELECT min(id) FROM ballots_ballot WHERE box_id = %s)"


def test_a_group_changed_by_raw_sql_fails_verify_box(mixed_box: BallotBox) -> None:
    assert verify_box(box=mixed_box).ok
    big, small = _groups(mixed_box)[:2]
    _raw_update(
        "UPDATE ballots_ballot SET group_id = %s WHERE id = "
        "(SELECT min(id) FROM ballots_ballot WHERE box_id = %s AND group_id = %s)",
        [small.pk, mixed_box.pk, big.pk],
    )
    report = verify_box(box=mixed_box)
    assert not report.ok
    assert len(report.problems) == 1, report.problems
    assert "nhóm" in report.problems[0]  # names the respondent group, in Vietnamese


def test_a_source_changed_by_raw_sql_fails_verify_box_by_name(mixed_box: BallotBox) -> None:
    _raw_update(
        f"UPDATE ballots_ballot SET source = 'online' WHERE id = {ONE_BALLOT}", [mixed_box.pk]
    )
    report = verify_box(box=mixed_box)
    assert not report.ok
    ballots_problem = [p for p in report.problems if "nguồn" in p]
    assert len(ballots_problem) == 1, report.problems


def test_a_comment_changed_by_raw_sql_fails_verify_box_by_name(mixed_box: BallotBox) -> None:
    _raw_update(
        f"UPDATE ballots_ballot SET comment = 'Sửa' WHERE id = {ONE_BALLOT}", [mixed_box.pk]
    )
    report = verify_box(box=mixed_box)
    assert not report.ok
    assert len(report.problems) == 1, report.problems
    assert "ý kiến" in report.problems[0]


def test_the_seal_digest_covers_the_ballots_root(mixed_box: BallotBox) -> None:
    Seal.objects.filter(box=mixed_box).update(ballots_root="0" * 64)
    report = verify_box(box=mixed_box)
    assert not report.ok
    assert any("Bản ghi niêm phong đã bị sửa" in p for p in report.problems), report.problems


def test_the_nonce_is_in_no_public_answer(mixed_box: BallotBox, client: Client) -> None:
    seal = Seal.objects.get(box=mixed_box)
    assert len(bytes.fromhex(seal.nonce)) == 32
    nonce = seal.nonce
    bulletin = client.get(f"/api/v1/boxes/{mixed_box.pk}/bulletin").json()
    assert "groups_root" not in bulletin
    assert bulletin["format"] == "phieukin-seal-v3"
    bodies: list[Any] = [
        json.dumps(bulletin).encode(),
        client.get(f"/api/v1/boxes/{mixed_box.pk}/ballots.csv").content,
        client.get(f"/api/v1/boxes/{mixed_box.pk}/tally").content,
        client.get(f"/api/v1/boxes/{mixed_box.pk}").content,
        client.get(f"/bulletin/{mixed_box.pk}/").content,
        client.get("/api/v1/openapi.json").content,
    ]
    for body in bodies:
        text = body.decode("utf-8").lower()
        assert nonce not in text
        assert nonce[:16] not in text
    assert b"phieukin-seal-v3" in bodies[4]  # the page names the format


def test_two_seals_of_the_same_ballots_draw_different_nonces(box: BallotBox) -> None:
    first = _subjects(box)[0]
    _add(box, first, 6, group=_groups(box)[0], answers=MIXED)
    seal = Seal.objects.get(box=_seal(box))
    again = digest_mod.ballots_root(
        [
            digest_mod.CanonicalBallot(
                box.pk, first.pk, _groups(box)[0].key, "typed", True, MIXED, "", ballot_id
            )
            for ballot_id in Ballot.objects.filter(box=box).values_list("id", flat=True)
        ],
        bytes.fromhex(seal.nonce),
    )
    assert again == seal.ballots_root
    assert seal.nonce != digest_mod.new_nonce().hex()


def test_blanking_the_nonce_is_detected(mixed_box: BallotBox) -> None:
    Seal.objects.filter(box=mixed_box).update(nonce="")
    report = verify_box(box=mixed_box)
    assert not report.ok
    assert any("nonce" in p for p in report.problems), report.problems
