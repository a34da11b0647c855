"""Worked examples of the pure tally engine: figures, flags, suppression, bands, deltas."""

from __future__ import annotations

import random

import numpy as np
import pytest

from phieukin.tallying.tally import (
    ANALOGY_SOURCE,
    BELOW_K,
    COMPLEMENTARY,
    CUMULATIVE,
    FLAG_ANALOGY_HALF,
    FLAG_ANALOGY_TWO_THIRDS,
    FLAG_LOW_SHARE,
    FLAG_MEAN_BELOW,
    UNANSWERED_CODE,
    WARN_BANDED_FOR_OTHERS,
    WARN_UNANIMOUS,
    Cell,
    ItemShape,
    Layout,
    RoundTally,
    Rules,
    Shape,
    TallyInputError,
    answers_matrix,
    ballot_arrays,
    compare,
    tally,
)

OPTIONS = ("tot", "kha", "trung_binh", "yeu", "khong_danh_gia")
SCORES = (4.0, 3.0, 2.0, 1.0, None)
SHAPE = Shape(
    items=(
        ItemShape("nd01", "I", OPTIONS, SCORES),
        ItemShape("nd02", "I", OPTIONS, SCORES),
        ItemShape("nd03", "II", OPTIONS, SCORES),
    ),
    sections=("I", "II"),
)
ONE_SUBJECT = Layout(wards=(10,), subjects=(1,), subject_ward=(0,), groups=("cb", "bt", "dv"))


def run(
    answers: list[str],
    *,
    groups: list[int] | None = None,
    subjects: list[int] | None = None,
    layout: Layout = ONE_SUBJECT,
    rules: Rules | None = None,
    valid: list[bool] | None = None,
    comments: dict[int, list[str]] | None = None,
    released: dict[str, int] | None = None,
) -> RoundTally:
    n = len(answers)
    return tally(
        shape=SHAPE,
        rules=rules or Rules(),
        layout=layout,
        ballots=ballot_arrays(
            subject=subjects or [0] * n,
            group=groups or [-1] * n,
            valid=valid or [True] * n,
            answers=answers,
            n_items=3,
            comments=comments,
        ),
        released=released,
        rng=random.Random(1),
    )


def subject_cell(result: RoundTally, subject: int = 1) -> Cell:
    return result.subject(subject).total


def test_percentages_exclude_unscored_and_unanswered_but_show_their_counts() -> None:
    # nd01: 4 Tốt, 2 Khá, 1 Trung bình, 1 Yếu, 1 Không đánh giá, 1 blank.
    answers = ["000", "000", "000", "000", "100", "100", "200", "300", "400", "-00"]
    item = subject_cell(run(answers)).figures.items[0]  # type: ignore[union-attr]
    by_key = {o.key: o for o in item.options}
    assert item.scored_answers == 8
    assert by_key["tot"].count == 4 and by_key["tot"].percent == pytest.approx(50.0)
    assert by_key["yeu"].percent == pytest.approx(12.5)
    assert by_key["khong_danh_gia"].count == 1 and by_key["khong_danh_gia"].percent is None
    assert item.unanswered == 1 and item.unscored == 1
    assert item.mean == pytest.approx((4 * 4 + 2 * 3 + 2 + 1) / 8)
    assert item.low_share == pytest.approx(0.25)
    assert item.good_share == pytest.approx(0.75)


def test_sections_average_item_means_and_overall_good_share_pools_answers() -> None:
    answers = ["003"] * 3 + ["113"] * 3
    figures = subject_cell(run(answers, rules=Rules(unanimity_below=0))).figures
    assert figures is not None
    section_one, section_two = figures.sections
    assert section_one.mean == pytest.approx((3.5 + 3.5) / 2)
    assert section_two.mean == pytest.approx(1.0)
    assert figures.mean == pytest.approx((3.5 + 3.5 + 1.0) / 3)
    assert figures.good_share == pytest.approx(12 / 18)
    assert section_two.flagged_items == ("nd03",)


def test_a_low_share_of_exactly_twenty_percent_is_flagged_by_the_default_rule() -> None:
    # nd01: 8 Tốt, 2 Trung bình → low share 20 %, mean 3.6.
    answers = ["000"] * 8 + ["200"] * 2
    item = subject_cell(run(answers)).figures.items[0]  # type: ignore[union-attr]
    assert [f.rule for f in item.flags] == [FLAG_LOW_SHARE]


def test_a_mean_below_three_is_flagged_even_with_few_low_ratings() -> None:
    # nd01: 1 Tốt, 8 Khá, 1 Yếu → low 10 %, mean 2.9.
    answers = ["000"] + ["100"] * 8 + ["300"]
    item = subject_cell(run(answers)).figures.items[0]  # type: ignore[union-attr]
    assert [f.rule for f in item.flags] == [FLAG_MEAN_BELOW]


def test_a_mean_of_exactly_three_with_few_low_ratings_is_not_flagged() -> None:
    answers = ["100"] * 10
    item = subject_cell(run(answers, rules=Rules(unanimity_below=0))).figures.items[0]  # type: ignore[union-attr]
    assert item.flags == ()


def test_analogy_flags_are_labelled_as_borrowed_from_qd_96() -> None:
    # nd01: 3 Tốt, 7 Yếu → 70 % low: over one half and at least two thirds.
    answers = ["000"] * 3 + ["300"] * 7
    item = subject_cell(run(answers)).figures.items[0]  # type: ignore[union-attr]
    analogy = [f for f in item.flags if f.borrowed_from]
    assert {f.rule for f in analogy} == {FLAG_ANALOGY_HALF, FLAG_ANALOGY_TWO_THIRDS}
    assert all(f.borrowed_from == ANALOGY_SOURCE for f in analogy)
    off = subject_cell(run(answers, rules=Rules(flag_analogy=False))).figures.items[0]  # type: ignore[union-attr]
    assert all(f.borrowed_from is None for f in off.flags)


def test_analogy_flags_alone_do_not_make_an_item_flagged_in_its_section() -> None:
    answers = ["000"] * 4 + ["300"] * 6  # 60 % low: over one half
    lenient = Rules(flag_low_share=0.7, flag_mean_below=1.5)
    figures = subject_cell(run(answers, rules=lenient)).figures
    assert figures is not None
    assert [f.rule for f in figures.items[0].flags] == [FLAG_ANALOGY_HALF]
    assert figures.sections[0].flagged_items == ()


def test_the_flag_rule_follows_the_round() -> None:
    answers = ["000"] * 7 + ["200"] * 3  # 30 % low, mean 3.4
    strict = Rules(flag_low_share=0.35, flag_mean_below=3.5, flag_analogy=False)
    item = subject_cell(run(answers, rules=strict)).figures.items[0]  # type: ignore[union-attr]
    assert [f.rule for f in item.flags] == [FLAG_MEAN_BELOW]


def test_a_subject_with_fewer_than_k_valid_ballots_carries_no_number() -> None:
    answers = ["000"] * 6
    result = run(answers, valid=[True] * 4 + [False] * 2)
    cell = subject_cell(result)
    assert cell.figures is None and cell.suppressed == BELOW_K
    assert result.total.figures is None and result.wards[0].total.figures is None


def test_when_one_group_is_hidden_the_smallest_other_group_is_hidden_too() -> None:
    # Groups: cb 6, bt 5, dv 2 (below k); nobody without a group.
    groups = [0] * 6 + [1] * 5 + [2] * 2
    result = run(["000"] * 13, groups=groups, rules=Rules(unanimity_below=0))
    cells = {c.key: c for c in result.subject(1).groups}
    assert cells["subject:1/group:dv"].suppressed == BELOW_K
    assert cells["subject:1/group:bt"].suppressed == COMPLEMENTARY
    assert cells["subject:1/group:cb"].figures is not None
    assert subject_cell(result).figures is not None


def test_ballots_without_a_group_protect_a_hidden_group_when_there_are_enough() -> None:
    groups = [0] * 6 + [1] * 2 + [-1] * 5
    result = run(["000"] * 13, groups=groups, rules=Rules(unanimity_below=0))
    cells = {c.key: c for c in result.subject(1).groups}
    assert cells["subject:1/group:cb"].figures is not None
    assert cells["subject:1/group:bt"].suppressed == BELOW_K


def test_a_hidden_leader_hides_the_other_leader_of_the_ward_behind_the_ward_total() -> None:
    layout = Layout(wards=(10, 11), subjects=(1, 2, 3), subject_ward=(0, 0, 1))
    subjects = [0] * 3 + [1] * 7 + [2] * 9
    result = run(["000"] * 19, subjects=subjects, layout=layout, rules=Rules(unanimity_below=0))
    assert result.subject(1).total.suppressed == BELOW_K
    assert result.subject(2).total.suppressed == COMPLEMENTARY
    assert result.wards[0].total.figures is not None
    assert result.subject(3).total.figures is not None


def test_a_small_ward_hides_another_ward_behind_the_district_total() -> None:
    layout = Layout(wards=(10, 11, 12), subjects=(1, 2, 3), subject_ward=(0, 1, 2))
    subjects = [0] * 2 + [1] * 6 + [2] * 9
    result = run(["000"] * 17, subjects=subjects, layout=layout, rules=Rules(unanimity_below=0))
    assert [w.total.suppressed for w in result.wards] == [BELOW_K, COMPLEMENTARY, None]
    assert result.total.figures is not None and result.total.figures.ballots == 17


TWO_LEADERS = Layout(wards=(10, 11), subjects=(1, 2, 3, 4), subject_ward=(0, 0, 1, 1))


def test_a_ward_of_three_people_rating_two_leaders_is_withheld_though_it_holds_six_sheets() -> None:
    subjects = [0] * 3 + [1] * 3 + [2] * 9 + [3] * 9
    answers = ["012", "123", "230"] * 2 + ["012", "123", "230"] * 6
    result = run(answers, subjects=subjects, layout=TWO_LEADERS)
    assert result.wards[0].total.suppressed == BELOW_K
    assert result.subject(1).total.suppressed == BELOW_K
    # District minus ward 11 would give ward 10's three people away: ward 11 goes.
    assert result.wards[1].total.suppressed == COMPLEMENTARY
    assert result.total.figures is not None
    assert result.total.figures.ballots == 24  # figures still count sheets


def test_a_leader_with_fewer_than_k_ballots_beside_one_with_k_leaves_the_ward_shown() -> None:
    # At least 9 people voted in ward 10 (9 sheets for leader 1), so its 12 sheets are
    # about 9 people; the leader of 3 is hidden and so is the other behind the ward.
    subjects = [0] * 9 + [1] * 3 + [2] * 9 + [3] * 9
    result = run(["012"] * 30, subjects=subjects, layout=TWO_LEADERS)
    ward = result.wards[0].total
    assert ward.figures is not None and ward.figures.ballots == 12
    assert result.subject(2).total.suppressed == BELOW_K
    assert result.subject(1).total.suppressed == COMPLEMENTARY


def test_a_unanimous_ward_of_k_people_is_banded_although_it_holds_2k_sheets() -> None:
    subjects = [0] * 5 + [1] * 5 + [2] * 9 + [3] * 9
    answers = ["333"] * 10 + ["012", "123", "230"] * 6
    result = run(answers, subjects=subjects, layout=TWO_LEADERS)
    ward = result.wards[0].total.figures
    assert ward is not None and ward.ballots == 10
    assert all(i.banded and i.mean is None for i in ward.items)
    assert WARN_UNANIMOUS in ward.warnings
    assert all(o.count is None for i in ward.items for o in i.options)


def test_the_district_is_sized_by_the_sum_of_its_wards_people() -> None:
    # Two wards of 3 people x 2 leaders: 12 sheets, 6 people; k = 7 withholds it.
    subjects = [0] * 3 + [1] * 3 + [2] * 3 + [3] * 3
    result = run(["012"] * 12, subjects=subjects, layout=TWO_LEADERS, rules=Rules(k=7))
    assert result.total.suppressed == BELOW_K
    shown = run(["012"] * 12, subjects=subjects, layout=TWO_LEADERS, rules=Rules(k=6))
    assert shown.total.figures is not None and shown.total.figures.ballots == 12


def test_a_ward_grown_by_fewer_than_k_people_since_its_release_is_withheld() -> None:
    layout = Layout(wards=(10,), subjects=(1, 2), subject_ward=(0, 0))
    rules = Rules(unanimity_below=0)
    first = run(["012"] * 20, subjects=[0] * 10 + [1] * 10, layout=layout, rules=rules)
    released = first.published_counts()
    assert released["ward:10"] == 20
    # Three more respondents rate both leaders: 6 more sheets, but 3 people.
    later = run(
        ["012"] * 26, subjects=[0] * 13 + [1] * 13, layout=layout, rules=rules, released=released
    )
    assert later.wards[0].total.suppressed == CUMULATIVE


def test_a_unanimous_small_group_is_shown_in_bands_with_a_warning() -> None:
    answers = ["000"] * 5 + ["010"] * 1  # nd01 unanimous Tốt among 6 ballots
    figures = subject_cell(run(answers)).figures
    assert figures is not None
    first, second, _ = figures.items
    assert first.banded and first.mean is None and first.scored_answers is None
    assert first.options[0].band == "≥ 80 %"
    assert all(o.count is None for o in first.options)
    assert not second.banded and second.mean is not None
    assert WARN_UNANIMOUS in figures.warnings
    # A section mean over the banded item would give it back.
    assert figures.sections[0].mean is None and figures.mean is None


def test_banding_is_carried_to_a_sibling_when_the_parent_equals_its_shown_parts() -> None:
    layout = Layout(wards=(10,), subjects=(1, 2), subject_ward=(0, 0))
    subjects = [0] * 5 + [1] * 30
    answers = ["000"] * 3 + ["010"] * 2 + ["120"] * 15 + ["230"] * 15
    result = run(answers, subjects=subjects, layout=layout)
    small = result.subject(1).total.figures
    big = result.subject(2).total.figures
    ward = result.wards[0].total.figures
    assert small is not None and small.items[0].banded
    # Ward minus the big subject would give the small one back: the big one is banded too.
    assert big is not None and big.items[0].banded and not big.items[1].banded
    assert big.warnings == (WARN_BANDED_FOR_OTHERS,)
    assert ward is not None and not ward.items[0].banded
    assert ward.items[0].options[0].count == 5


def test_banding_goes_to_the_parent_when_the_sibling_was_published_before() -> None:
    layout = Layout(wards=(10,), subjects=(1, 2), subject_ward=(0, 0))
    subjects = [0] * 5 + [1] * 30
    answers = ["000"] * 5 + ["120"] * 15 + ["230"] * 15
    result = run(answers, subjects=subjects, layout=layout, released={"subject:2": 30})
    big = result.subject(2).total.figures
    ward = result.wards[0].total.figures
    assert big is not None and not big.items[0].banded
    assert ward is not None and ward.items[0].banded


def test_a_large_unanimous_group_is_shown_in_full() -> None:
    figures = subject_cell(run(["000"] * 10)).figures
    assert figures is not None and not figures.items[0].banded
    assert figures.items[0].options[0].count == 10


def test_comments_need_the_stricter_threshold_and_come_bare_and_shuffled() -> None:
    texts = [f"Ý kiến số {i}" for i in range(8)]
    few = run(["000"] * 7, comments={0: texts[:7]})
    assert few.subject(1).comments is None and few.subject(1).comments_suppressed == BELOW_K
    enough = run(["000"] * 8, comments={0: [*texts, "  "]})
    comments = enough.subject(1).comments
    assert comments is not None
    assert sorted(comments) == sorted(texts)
    assert all(isinstance(c, str) for c in comments)
    orders = {
        tally(
            shape=SHAPE,
            rules=Rules(),
            layout=ONE_SUBJECT,
            ballots=ballot_arrays(
                subject=[0] * 8,
                group=[-1] * 8,
                valid=[True] * 8,
                answers=["000"] * 8,
                n_items=3,
                comments={0: texts},
            ),
        )
        .subject(1)
        .comments
        for _ in range(20)
    }
    assert len(orders) > 1


def test_a_district_figure_grown_by_one_small_box_since_its_release_is_withheld() -> None:
    layout = Layout(wards=(10, 11, 12), subjects=(1, 2, 3), subject_ward=(0, 1, 2))
    rules = Rules(unanimity_below=0)
    first = run(
        ["000"] * 15, subjects=[0] * 7 + [1] * 8, layout=layout, rules=rules
    ).published_counts()
    assert first["district"] == 15
    later = run(
        ["000"] * 18,
        subjects=[0] * 7 + [1] * 8 + [2] * 3,
        layout=layout,
        rules=rules,
        released=first,
    )
    assert later.total.suppressed == CUMULATIVE
    assert later.wards[2].total.suppressed == BELOW_K


def test_the_delta_compares_items_by_key_and_lists_resolved_and_new_flags() -> None:
    before = subject_cell(run(["200"] * 5 + ["000"] * 5))  # nd01 flagged, nd02 fine
    after = subject_cell(run(["000"] * 7 + ["020"] * 3))  # nd01 fine, nd02 flagged
    delta = compare(after, before)
    assert delta is not None
    nd01 = delta.items[0]
    assert nd01.mean == pytest.approx(4.0 - 3.0)
    assert nd01.low_share == pytest.approx(-0.5)
    assert delta.resolved == ("nd01",)
    assert delta.new_flags == ("nd02",)
    hidden = subject_cell(run(["000"] * 3))
    assert compare(after, hidden) is None


def test_answer_strings_of_the_wrong_length_or_alphabet_are_refused() -> None:
    with pytest.raises(TallyInputError, match="wrong_length"):
        answers_matrix(["000", "00", "0000"], 3)
    with pytest.raises(TallyInputError, match="bad_character"):
        answers_matrix(["0x0"], 3)
    grid = answers_matrix(["0-9", "---"], 3)
    assert grid.dtype == np.uint8
    assert grid.tolist() == [[0, UNANSWERED_CODE, 9], [UNANSWERED_CODE] * 3]


def test_an_option_index_beyond_the_scale_is_refused() -> None:
    with pytest.raises(TallyInputError, match="unknown_option"):
        run(["700"] * 5)
