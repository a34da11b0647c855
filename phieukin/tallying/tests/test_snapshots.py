"""Sealed tallies are stored once, served from storage, and checked against the ballots."""

from __future__ import annotations

from typing import Any

import pytest

from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, Round
from phieukin.tallying.models import TallySnapshot
from phieukin.tallying.selectors import box_tally, check_snapshots, round_tally
from phieukin.tallying.tests.conftest import seal_all, subjects_of
from phieukin.tallying.tests.test_selectors import MIXED

pytestmark = pytest.mark.django_db


def test_a_sealed_round_is_tallied_once_and_then_read_from_its_snapshot(
    open_round_: Round, make_ballots: Any, django_assert_max_num_queries: Any
) -> None:
    for subject in subjects_of(open_round_):
        make_ballots(subject, 12, answers=MIXED)
    seal_all(open_round_)
    first = round_tally(open_round_)
    assert TallySnapshot.objects.filter(round=open_round_, box__isnull=True).count() == 1
    with django_assert_max_num_queries(6):
        again = round_tally(open_round_)
    assert again == first
    assert check_snapshots(open_round_) == []


def test_a_snapshot_altered_behind_the_products_back_is_reported(
    open_round_: Round, make_ballots: Any
) -> None:
    for subject in subjects_of(open_round_):
        make_ballots(subject, 12, answers=MIXED)
    seal_all(open_round_)
    round_tally(open_round_)
    box = BallotBox.objects.filter(conference__round=open_round_).order_by("pk").first()
    assert box is not None
    box_tally(box)
    snap = TallySnapshot.objects.get(round=open_round_, box__isnull=True)
    snap.data["total"]["figures"]["ballots"] += 1
    snap.save()
    boxsnap = TallySnapshot.objects.get(box=box)
    boxsnap.data["total"]["figures"]["mean"] = 4.0
    boxsnap.save()
    problems = check_snapshots(open_round_)
    assert len(problems) == 2
    assert str(box.pk) in problems[0]


def test_sealing_one_more_box_makes_the_next_read_store_a_new_snapshot(
    open_round_: Round, make_ballots: Any
) -> None:
    subjects = subjects_of(open_round_)
    for subject in subjects:
        make_ballots(subject, 12, answers=MIXED)
    boxes = list(BallotBox.objects.filter(conference__round=open_round_).order_by("pk"))
    BallotBox.objects.filter(pk=boxes[0].pk).update(state=BoxState.SEALED.value)
    partial = round_tally(open_round_)
    seal_all(open_round_)
    complete = round_tally(open_round_)
    assert TallySnapshot.objects.filter(round=open_round_, box__isnull=True).count() == 2
    assert partial != complete
