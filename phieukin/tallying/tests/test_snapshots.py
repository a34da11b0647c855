"""Tallies are stored when a box is sealed and a round published; reads never write."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phieukin.ballots import services as ballots
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, Round
from phieukin.rounds.services import close_round, publish_round
from phieukin.tallying import codec
from phieukin.tallying.models import TallySnapshot
from phieukin.tallying.selectors import (
    box_tally,
    check_snapshots,
    round_tally,
    store_round_snapshot,
)
from phieukin.tallying.tests.conftest import MakeBallots, seal_all, subjects_of
from phieukin.tallying.tests.test_selectors import MIXED
from phieukin.testing.boxes import kept_shares

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(context: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in context.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]


def _boxes(rnd: Round) -> list[BallotBox]:
    return list(
        BallotBox.objects.filter(conference__round=rnd).order_by("conference__unit__sort_key")
    )


def _seal_through_the_committee(box: BallotBox, voters: int = 6) -> None:
    """Open *box*, let *voters* vote on both leaders, close and seal it with two shares."""
    ballots.open_box(actor=None, box=box)
    shapes = ballots.shapes_for(box)
    for i, code in enumerate(ballots.generate_codes(actor=None, box=box, count=voters)):
        sheets = [
            ballots.SheetInput(
                subject_id=subject.pk,
                answers={s.key: s.option_keys[i % len(s.option_keys)] for s in shapes},
                comment="",
            )
            for subject in box.conference.subjects.all()
        ]
        ballots.cast_ballot(code=code, sheets=sheets)
    ballots.close_box(actor=None, box=box)
    ballots.seal_box(actor=None, box=box, shares=kept_shares(box)[:2], acknowledge_mismatch=True)


def test_sealing_a_box_stores_its_tally_and_reads_serve_it(open_round_: Round) -> None:
    first, *others = _boxes(open_round_)
    _seal_through_the_committee(first)
    stored = TallySnapshot.objects.get(box=first)
    assert stored.data == codec.to_json(box_tally(first))
    assert stored.data["total"]["figures"]["ballots"] == 12
    # Other boxes are still open: the round's tally is not final and is not stored.
    assert others and not TallySnapshot.objects.filter(round=open_round_, box__isnull=True).exists()


def test_sealing_the_last_box_stores_the_round_tally(
    open_round_: Round, make_ballots: MakeBallots
) -> None:
    *earlier, last = _boxes(open_round_)
    for subject in subjects_of(open_round_):
        if subject.conference_id != last.conference_id:
            make_ballots(subject, 12, answers=MIXED)
    BallotBox.objects.filter(pk__in=[b.pk for b in earlier]).update(state=BoxState.SEALED.value)
    assert not TallySnapshot.objects.filter(round=open_round_, box__isnull=True).exists()
    _seal_through_the_committee(last)
    stored = TallySnapshot.objects.get(round=open_round_, box__isnull=True)
    assert stored.data == codec.to_json(round_tally(open_round_))
    assert check_snapshots(open_round_) == []


def test_publishing_stores_the_round_tally_and_every_box_tally(
    open_round_: Round, make_ballots: MakeBallots
) -> None:
    for subject in subjects_of(open_round_):
        make_ballots(subject, 12, answers=MIXED)
    seal_all(open_round_)  # stands in for sealing, so nothing is stored yet
    assert not TallySnapshot.objects.filter(round=open_round_).exists()
    publish_round(actor=None, round=close_round(actor=None, round=open_round_))
    boxes = _boxes(open_round_)
    assert TallySnapshot.objects.filter(round=open_round_, box__isnull=True).count() == 1
    assert set(
        TallySnapshot.objects.filter(round=open_round_, box__isnull=False).values_list(
            "box_id", flat=True
        )
    ) == {b.pk for b in boxes}
    # The box tallies stored together equal those computed one box at a time.
    assert check_snapshots(open_round_) == []


def test_reading_tallies_writes_nothing_and_computes_what_is_not_stored(
    open_round_: Round, make_ballots: MakeBallots
) -> None:
    for subject in subjects_of(open_round_):
        make_ballots(subject, 12, answers=MIXED)
    seal_all(open_round_)
    with CaptureQueriesContext(connection) as context:
        whole = round_tally(open_round_)
        each = [box_tally(box) for box in _boxes(open_round_)]
    assert _writes(context) == []
    assert not TallySnapshot.objects.exists()
    assert whole.total.figures is not None
    parts = [ward.total.figures.ballots for ward in each if ward.total.figures is not None]
    assert len(parts) == len(each)
    assert whole.total.figures.ballots == sum(parts)


def test_a_stored_tally_is_read_in_a_few_queries(
    open_round_: Round, make_ballots: MakeBallots, django_assert_max_num_queries: Any
) -> None:
    for subject in subjects_of(open_round_):
        make_ballots(subject, 12, answers=MIXED)
    seal_all(open_round_)
    stored = store_round_snapshot(open_round_)
    with django_assert_max_num_queries(6):
        again = round_tally(open_round_)
    assert again == stored


def test_a_snapshot_altered_behind_the_products_back_is_reported(
    open_round_: Round, make_ballots: MakeBallots
) -> None:
    for subject in subjects_of(open_round_):
        make_ballots(subject, 12, answers=MIXED)
    seal_all(open_round_)
    store_round_snapshot(open_round_)
    box = _boxes(open_round_)[0]
    snap = TallySnapshot.objects.get(round=open_round_, box__isnull=True)
    snap.data["total"]["figures"]["ballots"] += 1
    snap.save()
    boxsnap = TallySnapshot.objects.get(box=box)
    boxsnap.data["total"]["figures"]["mean"] = 4.0
    boxsnap.save()
    problems = check_snapshots(open_round_)
    assert len(problems) == 2
    assert str(box.pk) in problems[0]


def test_a_stale_round_snapshot_is_not_served_after_one_more_box_is_sealed(
    open_round_: Round, make_ballots: MakeBallots
) -> None:
    for subject in subjects_of(open_round_):
        make_ballots(subject, 12, answers=MIXED)
    boxes = _boxes(open_round_)
    BallotBox.objects.filter(pk=boxes[0].pk).update(state=BoxState.SEALED.value)
    partial = store_round_snapshot(open_round_)
    seal_all(open_round_)
    complete = round_tally(open_round_)
    assert complete != partial
    assert len(partial.wards) == 1 and len(complete.wards) == len(boxes)
    # The read computed the complete tally in memory; only the stored one remains.
    assert TallySnapshot.objects.filter(round=open_round_, box__isnull=True).count() == 1


def test_a_snapshot_matches_its_ballots_whatever_order_its_comments_were_shuffled_in(
    open_round_: Round, make_ballots: MakeBallots
) -> None:
    subject = subjects_of(open_round_)[0]
    for n in range(12):
        make_ballots(subject, 1, answers=MIXED, comment=f"Ý kiến số {n}")
    seal_all(open_round_)
    store_round_snapshot(open_round_)
    stored = TallySnapshot.objects.get(box__conference_id=subject.conference_id)
    comments = [s["comments"] for s in stored.data["subjects"] if s["comments"]]
    assert sorted(comments[0]) == sorted(f"Ý kiến số {n}" for n in range(12))
    # Every recomputation shuffles the comments afresh; the check compares them as a set.
    assert check_snapshots(open_round_) == []
    tampered = [*comments[0][:-1], "Ý kiến thêm vào"]
    for entry in stored.data["subjects"]:
        if entry["comments"]:
            entry["comments"] = tampered
    stored.save()
    assert len(check_snapshots(open_round_)) == 1
