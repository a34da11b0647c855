"""Grading rules: each year keeps its regulation; points decide under QĐ 366; the cap."""

from __future__ import annotations

from decimal import Decimal

import pytest

from phieukin.grading import rules

D = Decimal


def test_each_year_follows_the_regulation_that_governs_it() -> None:
    book = rules.rulebook()
    assert [book.for_year(y).key for y in (2018, 2022, 2023, 2024, 2025, 2031)] == [
        "QD132",
        "QD132",
        "QD124",
        "QD124",
        "QD366",
        "QD366",
    ]
    with pytest.raises(rules.RuleError):
        book.for_year(2017)


def test_only_qd_366_grades_by_points_30_plus_70() -> None:
    book = rules.rulebook()
    assert book.regulation("QD132").points is None
    assert book.regulation("QD124").points is None
    points = book.regulation("QD366").points
    assert points is not None
    assert (points.general_max, points.tasks_max, points.total_max) == (D(30), D(70), D(100))


@pytest.mark.parametrize(
    ("general", "tasks", "grade"),
    [
        ("19.5", "30", "KHTNV"),  # 49,5
        ("20", "30", "HTNV"),  # 50
        ("29.9", "40", "HTNV"),  # 69,9
        ("30", "40", "HTTNV"),  # 70
        ("29.9", "60", "HTTNV"),  # 89,9
        ("30", "60", "HTXSNV"),  # 90
        ("30", "70", "HTXSNV"),  # 100
        ("0", "0", "KHTNV"),
    ],
)
def test_points_give_the_grade_at_the_boundaries(general: str, tasks: str, grade: str) -> None:
    regulation = rules.rulebook().regulation("QD366")
    assert rules.decide_grade(regulation, chosen=None, general=D(general), tasks=D(tasks)) == grade


def test_under_points_a_chosen_grade_is_ignored() -> None:
    regulation = rules.rulebook().regulation("QD366")
    assert rules.decide_grade(regulation, chosen="HTXSNV", general=D(20), tasks=D(30)) == "HTNV"


@pytest.mark.parametrize(("general", "tasks"), [("30.5", "60"), ("20", "70.1"), ("-1", "50")])
def test_points_outside_a_part_are_refused(general: str, tasks: str) -> None:
    regulation = rules.rulebook().regulation("QD366")
    with pytest.raises(rules.RuleError) as caught:
        rules.decide_grade(regulation, chosen=None, general=D(general), tasks=D(tasks))
    assert caught.value.code == "points_out_of_range"


def test_points_are_required_under_qd_366_and_a_grade_under_qd_124() -> None:
    with pytest.raises(rules.RuleError):
        rules.decide_grade(
            rules.rulebook().regulation("QD366"), chosen="HTTNV", general=None, tasks=None
        )
    qd124 = rules.rulebook().regulation("QD124")
    assert rules.decide_grade(qd124, chosen="HTTNV", general=D(95), tasks=None) == "HTTNV"
    with pytest.raises(rules.RuleError):
        rules.decide_grade(qd124, chosen=None, general=None, tasks=None)
    with pytest.raises(rules.RuleError):
        rules.decide_grade(qd124, chosen="GIOI", general=None, tasks=None)


def test_the_cap_allows_a_fifth_of_the_good_as_excellent() -> None:
    regulation = rules.rulebook().regulation("QD124")
    checks = rules.check_cap(
        regulation,
        {
            "within": ["HTXSNV"] + ["HTTNV"] * 5,  # 1 ≤ 20 % of 5
            "over": ["HTXSNV"] * 2 + ["HTTNV"] * 9 + ["HTNV"],  # 2 > 1,8
            "no good": ["HTXSNV", "HTNV"],  # 1 > 0
        },
    )
    by_group = {c.group: c for c in checks}
    assert (by_group["within"].allowed, by_group["within"].exceeded) == (1, False)
    assert (by_group["over"].allowed, by_group["over"].exceeded) == (1, True)
    assert by_group["no good"].exceeded


def test_a_new_regulation_is_data_not_code() -> None:
    text = rules.DATA.read_text(encoding="utf-8").replace("min_points: 90", "min_points: 95")
    book = rules.parse_rulebook(text)
    points = book.regulation("QD366").points
    assert points is not None
    assert rules.grade_from_points(points, D(30), D(62)) == "HTTNV"  # 92 < 95


def test_the_bands_read_as_the_regulation_states_them() -> None:
    points = rules.rulebook().regulation("QD366").points
    assert points is not None
    assert points.bands() == (
        ("HTXSNV", D(90), None),
        ("HTTNV", D(70), D(90)),
        ("HTNV", D(50), D(70)),
        ("KHTNV", D(0), D(50)),
    )
