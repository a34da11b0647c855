"""The round's validity rules for paper sheets (pure) and as applied when entering."""

from __future__ import annotations

import pytest

from phieukin.accounts.models import User
from phieukin.ballots.models import PendingBallot
from phieukin.ballots.sheet import ItemShape
from phieukin.paper.services import enter_typed_sheet
from phieukin.paper.validity import judge_sheet
from phieukin.rounds.models import BallotBox, Subject

ANSWERS = {"a": "tot", "b": "kha", "c": None}


def test_a_normal_sheet_is_valid() -> None:
    verdict = judge_sheet(ANSWERS, blank_invalid=True, double_mark_policy="unanswered")
    assert verdict.valid
    assert verdict.answers == ANSWERS


def test_a_blank_sheet_is_invalid_when_the_rule_says_so() -> None:
    blank = {"a": None, "b": None}
    assert not judge_sheet(blank, blank_invalid=True, double_mark_policy="unanswered").valid
    assert judge_sheet(blank, blank_invalid=False, double_mark_policy="unanswered").valid


def test_a_sheet_with_only_a_comment_is_not_blank() -> None:
    blank = {"a": None, "b": None}
    verdict = judge_sheet(
        blank, comment="Ý kiến", blank_invalid=True, double_mark_policy="unanswered"
    )
    assert verdict.valid


def test_a_double_mark_counts_as_unanswered_under_that_policy() -> None:
    verdict = judge_sheet(
        ANSWERS, double_marked={"a"}, blank_invalid=True, double_mark_policy="unanswered"
    )
    assert verdict.valid
    assert verdict.answers["a"] is None
    assert verdict.answers["b"] == "kha"


def test_a_double_mark_makes_the_ballot_invalid_under_that_policy() -> None:
    verdict = judge_sheet(
        ANSWERS, double_marked={"a"}, blank_invalid=True, double_mark_policy="invalid"
    )
    assert not verdict.valid
    assert verdict.reason == "double_mark"


def test_a_declared_invalid_sheet_is_invalid() -> None:
    verdict = judge_sheet(
        ANSWERS, declared_invalid=True, blank_invalid=False, double_mark_policy="unanswered"
    )
    assert not verdict.valid
    assert verdict.reason == "declared"


def test_an_unknown_policy_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        judge_sheet(ANSWERS, blank_invalid=True, double_mark_policy="maybe")


@pytest.mark.django_db
def test_a_typed_blank_sheet_follows_the_round_rule(
    open_box_: BallotBox, subject: Subject, counter: User, shapes: list[ItemShape]
) -> None:
    rnd = open_box_.conference.round
    zeros = "0" * len(shapes)
    assert rnd.blank_ballot_invalid
    outcome = enter_typed_sheet(actor=counter, box=open_box_, subject=subject, keys=zeros)
    assert (outcome.valid, outcome.reason) == (False, "blank")
    rnd.blank_ballot_invalid = False
    rnd.save(update_fields=["blank_ballot_invalid"])
    box = BallotBox.objects.get(pk=open_box_.pk)
    assert enter_typed_sheet(actor=counter, box=box, subject=subject, keys=zeros).valid
    assert sorted(PendingBallot.objects.values_list("valid", flat=True)) == [False, True]
