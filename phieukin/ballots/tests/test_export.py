"""The public re-tally export (ballots.csv) and the groups root of the seal.

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
from phieukin.ballots.models import Ballot, BallotSource, Seal
from phieukin.ballots.services import seal_box, verify_box
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, RespondentGroup, Subject

pytestmark = pytest.mark.django_db

GOOD = "0" * 21
MIXED = "0123" * 5 + "4"


def _add(
    box: BallotBox,
    subject: Subject,
    n: int,
    *,
    group: RespondentGroup | None = None,
    answers: str = MIXED,
    valid: bool = True,
) -> None:
    Ballot.objects.bulk_create(
        Ballot(
            box=box,
            subject=subject,
            group=group,
            source=BallotSource.TYPED,
            valid=valid,
            answers=answers,
        )
        for _ in range(n)
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
                row["source"],
                int(row["valid"]),
                row["answers"],
                row["comment_sha256"],
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        assert hashlib.sha256(b"\x00" + line).hexdigest() == row["leaf"]
    leaves = [bytes.fromhex(r["leaf"]) for r in rows]
    assert digest_mod.root_of_leaves(leaves) == mixed_box.seal.ballots_root


def test_a_group_changed_by_raw_sql_fails_verify_box(mixed_box: BallotBox) -> None:
    assert verify_box(box=mixed_box).ok
    big, small = _groups(mixed_box)[:2]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ballots_ballot SET group_id = %s WHERE id = "
            "(SELECT min(id) FROM ballots_ballot WHERE box_id = %s AND group_id = %s)",
            [small.pk, mixed_box.pk, big.pk],
        )
    report = verify_box(box=mixed_box)
    assert not report.ok
    assert len(report.problems) == 1, report.problems
    assert "nhóm" in report.problems[0]  # names the respondent group, in Vietnamese


def test_the_seal_digest_covers_the_groups_root(mixed_box: BallotBox) -> None:
    Seal.objects.filter(box=mixed_box).update(groups_root="0" * 64)
    report = verify_box(box=mixed_box)
    assert not report.ok
    assert any("Bản ghi niêm phong đã bị sửa" in p for p in report.problems), report.problems


def test_the_nonce_is_in_no_public_answer(mixed_box: BallotBox, client: Client) -> None:
    seal = Seal.objects.get(box=mixed_box)
    assert len(bytes.fromhex(seal.groups_nonce)) == 32
    nonce = seal.groups_nonce
    bulletin = client.get(f"/api/v1/boxes/{mixed_box.pk}/bulletin")
    assert bulletin.json()["groups_root"] == seal.groups_root
    bodies: list[Any] = [
        bulletin.content,
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
    assert seal.groups_root.encode() in bodies[4]  # the page shows the opaque root


def test_two_seals_of_the_same_ballots_draw_different_nonces(box: BallotBox) -> None:
    first = _subjects(box)[0]
    _add(box, first, 6, group=_groups(box)[0])
    seal = Seal.objects.get(box=_seal(box))
    again = digest_mod.groups_root(
        [
            digest_mod.CanonicalBallot(
                box.pk, first.pk, _groups(box)[0].key, "typed", True, MIXED, ""
            )
        ]
        * 6,
        bytes.fromhex(seal.groups_nonce),
    )
    assert again == seal.groups_root
    assert digest_mod.groups_root([], bytes(32)) == digest_mod.EMPTY_ROOT
    assert seal.groups_nonce != digest_mod.new_groups_nonce().hex()


def test_blanking_the_groups_fields_of_a_v2_seal_is_detected(mixed_box: BallotBox) -> None:
    Seal.objects.filter(box=mixed_box).update(groups_root="", groups_nonce="")
    report = verify_box(box=mixed_box)
    assert not report.ok
    assert any("Bản ghi niêm phong đã bị sửa" in p for p in report.problems), report.problems
