"""The tally selectors on real rows: sealed boxes only, k, complementary cells, deltas."""

from __future__ import annotations

from typing import Any

import pytest

from phieukin.core.errors import Conflict
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, RespondentGroup, Round
from phieukin.tallying.selectors import (
    box_tally,
    district_delta,
    previous_subject,
    questionnaire_shape,
    round_tally,
    store_box_snapshot,
    subject_delta,
    subject_tally,
    unsealed_boxes,
)
from phieukin.tallying.tally import (
    BELOW_K,
    COMPLEMENTARY,
    INCOMPLETE,
    TallyInputError,
    iter_cells,
)
from phieukin.tallying.tests.conftest import MakeBallots, seal_all, subjects_of

GOOD = "0" * 21
MIXED = "1" * 10 + "2" * 11
LOW = "3" * 21


def test_the_shape_follows_the_questionnaire_items_and_scores(questionnaire: Any) -> None:
    shape = questionnaire_shape(questionnaire)
    assert len(shape.items) == 21
    first = shape.items[0]
    assert first.option_keys == ("tot", "kha", "trung_binh", "yeu", "khong_danh_gia")
    assert first.scores == (4.0, 3.0, 2.0, 1.0, None)
    assert list(shape.sections) == list(dict.fromkeys(i.section for i in shape.items))


def test_an_unsealed_box_is_not_tallied(open_round_: Round, make_ballots: MakeBallots) -> None:
    subject = subjects_of(open_round_)[0]
    make_ballots(subject, 6)
    box = BallotBox.objects.get(conference_id=subject.conference_id)
    with pytest.raises(Conflict) as caught:
        box_tally(box)
    assert caught.value.code == "box_not_sealed"
    with pytest.raises(Conflict):
        subject_tally(subject)


def test_a_box_tally_counts_the_valid_ballots_of_each_leader(
    open_round_: Round, make_ballots: MakeBallots
) -> None:
    secretary, chair = subjects_of(open_round_)[:2]
    make_ballots(secretary, 6, answers=GOOD)
    make_ballots(secretary, 4, answers=LOW)
    make_ballots(secretary, 3, answers=LOW, valid=False)
    make_ballots(chair, 12, answers=MIXED)
    seal_all(open_round_)
    result = box_tally(BallotBox.objects.get(conference_id=secretary.conference_id))
    figures = result.subject(secretary.pk).total.figures
    assert figures is not None and figures.ballots == 10
    item = figures.items[0]
    assert [o.count for o in item.options] == [6, 0, 0, 4, 0]
    assert item.mean == pytest.approx((6 * 4 + 4 * 1) / 10)
    assert {f.rule for f in item.flags} >= {"low_share", "mean_below"}
    ward = result.total.figures
    assert ward is not None and ward.ballots == 22


def test_a_group_under_k_is_hidden_with_the_smallest_other_group(
    open_round_: Round, make_ballots: MakeBallots
) -> None:
    subject = subjects_of(open_round_)[0]
    groups = list(RespondentGroup.objects.filter(round=open_round_).order_by("order"))
    make_ballots(subject, 9, answers=MIXED, group=groups[0])
    make_ballots(subject, 6, answers=MIXED, group=groups[1])
    make_ballots(subject, 2, answers=LOW, group=groups[2])
    seal_all(open_round_)
    cells = {c.key: c for c in subject_tally(subject).groups}
    prefix = f"subject:{subject.pk}/group:"
    assert cells[prefix + groups[0].key].figures is not None
    assert cells[prefix + groups[1].key].suppressed == COMPLEMENTARY
    assert cells[prefix + groups[2].key].suppressed == BELOW_K
    assert cells[prefix + groups[3].key].suppressed == BELOW_K
    assert all(c.figures is None for c in cells.values() if c.suppressed)


def test_the_district_waits_for_every_box_and_small_leaders_stay_hidden(
    open_round_: Round, make_ballots: MakeBallots
) -> None:
    subjects = subjects_of(open_round_)
    for subject, n in zip(subjects, [12, 10, 9, 8, 7, 3], strict=True):
        make_ballots(subject, n, answers=MIXED)
    first_box = BallotBox.objects.get(conference_id=subjects[0].conference_id)
    BallotBox.objects.filter(pk=first_box.pk).update(state=BoxState.SEALED.value)
    partial = round_tally(open_round_)
    assert partial.total.suppressed == INCOMPLETE
    assert len(partial.wards) == 1
    assert len(unsealed_boxes(open_round_)) == 2

    seal_all(open_round_)
    result = round_tally(open_round_)
    assert result.total.figures is not None and result.total.figures.ballots == 49
    assert result.subject(subjects[5].pk).total.suppressed == BELOW_K
    assert result.subject(subjects[4].pk).total.suppressed == COMPLEMENTARY
    for cell in iter_cells(result):
        if cell.figures is not None:
            assert cell.figures.ballots >= open_round_.k_threshold


def test_a_round_tally_never_contradicts_the_published_box_tallies(
    open_round_: Round, make_ballots: MakeBallots
) -> None:
    subjects = subjects_of(open_round_)
    for subject, n in zip(subjects, [12, 10, 9, 8, 2, 9], strict=True):
        make_ballots(subject, n, answers=MIXED)
    seal_all(open_round_)
    result = round_tally(open_round_)
    round_cells = {c.key: c for c in iter_cells(result)}
    for box in BallotBox.objects.filter(conference__round=open_round_):
        ward = box_tally(box)
        for st in ward.subjects:
            for cell in (st.total, *st.groups):
                assert round_cells[cell.key] == cell
        assert round_cells[ward.total.key] == ward.total
    # Every ward is shown, so the district (their sum) gives nothing more away.
    assert result.total.figures is not None and result.total.figures.ballots == 50
    assert "district" not in result.released


def test_comments_come_only_with_enough_valid_ballots(
    open_round_: Round, make_ballots: MakeBallots
) -> None:
    secretary, chair = subjects_of(open_round_)[:2]
    make_ballots(secretary, 8, comment="Cần gần dân hơn")
    make_ballots(chair, 7, comment="Ý kiến")
    make_ballots(chair, 3, comment="Không tính", valid=False)
    seal_all(open_round_)
    assert subject_tally(secretary).comments == ("Cần gần dân hơn",) * 8
    chair_tally = subject_tally(chair)
    assert chair_tally.comments is None and chair_tally.comments_suppressed == BELOW_K


def test_the_box_tally_reads_ballots_in_a_fixed_number_of_queries(
    open_round_: Round, make_ballots: MakeBallots, django_assert_max_num_queries: Any
) -> None:
    subject = subjects_of(open_round_)[0]
    make_ballots(subject, 40, answers=MIXED)
    seal_all(open_round_)
    box = BallotBox.objects.get(conference_id=subject.conference_id)
    with django_assert_max_num_queries(16):
        first = box_tally(box)  # computed in memory from the ballots, not stored
    store_box_snapshot(box)  # what sealing does
    with django_assert_max_num_queries(5):
        assert box_tally(box) == first  # read back from the snapshot


def test_the_previous_subject_is_the_same_post_in_the_round_before(
    earlier_round: Round, open_round_: Round, make_ballots: MakeBallots
) -> None:
    now = subjects_of(open_round_)[0]
    assert previous_subject(now) is None  # the earlier round has not counted anything yet
    seal_all(earlier_round)
    before = previous_subject(now)
    assert before is not None
    assert before.conference.round == earlier_round
    assert before.position_id == now.position_id
    assert previous_subject(before) is None


def test_the_delta_shows_what_improved_since_the_previous_round(
    earlier_round: Round, open_round_: Round, make_ballots: MakeBallots
) -> None:
    now = subjects_of(open_round_)[0]
    before = subjects_of(earlier_round)[0]
    make_ballots(before, 6, answers=MIXED)
    make_ballots(before, 4, answers=LOW)
    make_ballots(now, 10, answers=GOOD)
    make_ballots(now, 1, answers=MIXED)
    BallotBox.objects.filter(conference__round=open_round_).update(state=BoxState.SEALED.value)
    assert subject_delta(now) is None  # the earlier box is not sealed yet
    seal_all(earlier_round)
    assert previous_subject(now) == before
    delta = subject_delta(now)
    assert delta is not None
    assert delta.previous == f"subject:{before.pk}"
    assert delta.mean is not None and delta.mean > 0
    assert "nd01" in delta.resolved
    assert delta.new_flags == ()


def test_an_empty_answers_string_on_a_valid_ballot_counts_as_unanswered(
    open_round_: Round, make_ballots: MakeBallots
) -> None:
    subject = subjects_of(open_round_)[0]
    make_ballots(subject, 9, answers=MIXED)
    make_ballots(subject, 1, answers="")
    seal_all(open_round_)
    figures = subject_tally(subject).total.figures
    assert figures is not None and figures.ballots == 10
    assert all(item.unanswered == 1 for item in figures.items)


def test_answers_of_the_wrong_length_stop_the_tally(
    open_round_: Round, make_ballots: MakeBallots
) -> None:
    subject = subjects_of(open_round_)[0]
    make_ballots(subject, 9, answers=MIXED)
    make_ballots(subject, 1, answers=MIXED[:-1])
    seal_all(open_round_)
    with pytest.raises(TallyInputError, match="wrong_length"):
        subject_tally(subject)


def test_the_district_delta_compares_with_the_previous_counted_round(
    earlier_round: Round, open_round_: Round, make_ballots: MakeBallots
) -> None:
    for subject in subjects_of(earlier_round):
        make_ballots(subject, 10, answers=MIXED)
        make_ballots(subject, 2, answers=LOW)
    for subject in subjects_of(open_round_):
        make_ballots(subject, 12, answers=GOOD)
    seal_all(open_round_)
    assert district_delta(open_round_) is None
    seal_all(earlier_round)
    delta = district_delta(open_round_)
    assert delta is not None and delta.previous == "district"
    assert delta.mean is not None and delta.mean > 0
    assert delta.new_flags == ()
