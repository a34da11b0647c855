"""Aggregation arithmetic: who named each expression, remedies done and overdue, trends."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from phieukin.selfcheck.aggregate import (
    COLLECTIVE,
    DONE,
    IN_PROGRESS,
    INDIVIDUAL,
    PENDING,
    Finding,
    summarise,
    trend,
)

TODAY = dt.date(2024, 6, 1)
EARLY = dt.date(2024, 3, 1)
LATE = dt.date(2024, 9, 1)


def f(period: str, entry: int, kind: str, item: str, status: str, due: dt.date) -> Finding:
    return Finding(period=period, entry=entry, kind=kind, item=item, status=status, due_on=due)


FINDINGS = [
    f("2023", 1, COLLECTIVE, "a", DONE, EARLY),
    f("2023", 2, INDIVIDUAL, "a", PENDING, EARLY),  # overdue
    f("2023", 3, INDIVIDUAL, "a", IN_PROGRESS, LATE),
    f("2023", 3, INDIVIDUAL, "b", IN_PROGRESS, EARLY),  # overdue
    f("2023", 4, COLLECTIVE, "b", PENDING, LATE),
    f("2024", 5, INDIVIDUAL, "a", DONE, EARLY),
]


def test_it_counts_collectives_and_individuals_per_expression() -> None:
    summary = summarise(
        [x for x in FINDINGS if x.period == "2023"], items=["a", "b", "c"], today=TODAY
    )
    assert [(r.item, r.collectives, r.individuals) for r in summary.items] == [
        ("a", 1, 2),
        ("b", 1, 1),
        ("c", 0, 0),
    ]
    assert (summary.remedies, summary.done, summary.in_progress, summary.overdue) == (5, 1, 2, 2)
    assert summary.open == 4


def test_a_done_remedy_past_its_deadline_is_not_overdue() -> None:
    summary = summarise([f("x", 1, INDIVIDUAL, "a", DONE, EARLY)], items=["a"], today=TODAY)
    assert summary.overdue == 0


def test_the_trend_gives_each_expressions_change_between_periods() -> None:
    lines = trend(FINDINGS, periods=["2023", "2024"], items=["a", "b"], today=TODAY)
    assert [line.period for line in lines] == ["2023", "2024"]
    assert lines[0].change == (("a", None), ("b", None))
    assert lines[1].change == (("a", -2), ("b", -2))
    assert lines[1].summary.remedies == 1


def test_the_pure_modules_import_without_django() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'django' or name.startswith('django.'):\n"
        "            raise ImportError('django is blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import phieukin.selfcheck.checklist, phieukin.selfcheck.aggregate\n"
        "import phieukin.grading.rules\n"
        "phieukin.grading.rules.rulebook()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
