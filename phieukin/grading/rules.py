"""The grading rules of each regulation, read from data; pure, no Django.

``data/regulations.yaml`` lists the four grades and the regulations (QĐ 132/2018,
QĐ 124/2023, QĐ 366/2025) with the years each governs, the excellent-to-good cap and,
for QĐ 366, the 100-point framework (30 general + 70 task results; ≥ 90 HTXSNV,
70–< 90 HTTNV, 50–< 70 HTNV, < 50 KHTNV). Nothing here hard-codes those numbers: a new
regulation is a new entry in the file.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "regulations.yaml"

EXCELLENT = "HTXSNV"
GOOD = "HTTNV"
COMPLETED = "HTNV"
FAILED = "KHTNV"


class RuleError(ValueError):
    """Points or data that the rules refuse; ``code`` is stable, ``params`` fill the message."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")


@dataclass(frozen=True)
class Level:
    code: str
    order: int
    label: str


@dataclass(frozen=True)
class Threshold:
    level: str
    min_points: Decimal


@dataclass(frozen=True)
class PointsFramework:
    """A points framework: two parts with their maxima and the thresholds, best first."""

    general_max: Decimal
    tasks_max: Decimal
    thresholds: tuple[Threshold, ...]

    @property
    def total_max(self) -> Decimal:
        return self.general_max + self.tasks_max

    def bands(self) -> tuple[tuple[str, Decimal, Decimal | None], ...]:
        """Return (level, from, below) per grade, best first; ``below`` None for the best."""
        rows = []
        above: Decimal | None = None
        for threshold in self.thresholds:
            rows.append((threshold.level, threshold.min_points, above))
            above = threshold.min_points
        return tuple(rows)


@dataclass(frozen=True)
class Regulation:
    key: str
    short: str
    document: str
    first_year: int
    last_year: int | None
    excellent_cap: Fraction | None  # share of the "good" count the "excellent" may reach
    points: PointsFramework | None

    def governs(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


@dataclass(frozen=True)
class Rulebook:
    levels: tuple[Level, ...]
    regulations: tuple[Regulation, ...]

    def level(self, code: str) -> Level:
        for level in self.levels:
            if level.code == code:
                return level
        raise RuleError("unknown_level", level=code)

    def regulation(self, key: str) -> Regulation:
        for regulation in self.regulations:
            if regulation.key == key:
                return regulation
        raise RuleError("unknown_regulation", regulation=key)

    def for_year(self, year: int) -> Regulation:
        """Return the regulation that governs the review of *year*."""
        for regulation in self.regulations:
            if regulation.governs(year):
                return regulation
        raise RuleError("no_regulation", year=year)


def _decimal(value: Any, what: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise RuleError("bad_data", field=what) from exc


def parse_rulebook(text: str) -> Rulebook:
    """Parse the regulations file."""
    root = yaml.safe_load(text)
    levels = tuple(
        sorted(
            (Level(str(x["code"]), int(x["order"]), str(x["label"])) for x in root["levels"]),
            key=lambda lv: lv.order,
        )
    )
    codes = {lv.code for lv in levels}
    regulations = []
    for raw in root["regulations"]:
        points = None
        if raw.get("points"):
            p = raw["points"]
            thresholds = tuple(
                sorted(
                    (
                        Threshold(str(t["level"]), _decimal(t["min_points"], "min_points"))
                        for t in p["thresholds"]
                    ),
                    key=lambda t: t.min_points,
                    reverse=True,
                )
            )
            if any(t.level not in codes for t in thresholds):
                raise RuleError("bad_data", field="thresholds")
            points = PointsFramework(
                general_max=_decimal(p["general_max"], "general_max"),
                tasks_max=_decimal(p["tasks_max"], "tasks_max"),
                thresholds=thresholds,
            )
        cap = raw.get("excellent_cap_percent")
        regulations.append(
            Regulation(
                key=str(raw["key"]),
                short=str(raw["short"]),
                document=str(raw["document"]),
                first_year=int(raw["first_year"]),
                last_year=int(raw["last_year"]) if raw.get("last_year") else None,
                excellent_cap=Fraction(int(cap), 100) if cap is not None else None,
                points=points,
            )
        )
    return Rulebook(levels=levels, regulations=tuple(regulations))


@functools.cache
def rulebook() -> Rulebook:
    """Return the rulebook of ``data/regulations.yaml`` (read once)."""
    return parse_rulebook(DATA.read_text(encoding="utf-8"))


def check_points(framework: PointsFramework, general: Decimal, tasks: Decimal) -> Decimal:
    """Return the total of the two parts, refusing a part outside 0..its maximum."""
    for value, maximum, part in (
        (general, framework.general_max, "general"),
        (tasks, framework.tasks_max, "tasks"),
    ):
        if value < 0 or value > maximum:
            raise RuleError("points_out_of_range", part=part, maximum=maximum, value=value)
    return general + tasks


def grade_from_points(framework: PointsFramework, general: Decimal, tasks: Decimal) -> str:
    """Return the grade the framework gives to these points (e.g. 89,9 → HTTNV)."""
    total = check_points(framework, general, tasks)
    for threshold in framework.thresholds:
        if total >= threshold.min_points:
            return threshold.level
    return framework.thresholds[-1].level


def decide_grade(
    regulation: Regulation,
    *,
    chosen: str | None,
    general: Decimal | None,
    tasks: Decimal | None,
) -> str:
    """Return the grade of one step under *regulation*.

    Under a points framework the grade is computed from the points (both parts are
    required and a chosen grade is ignored); otherwise the grade is chosen, one of the
    four levels.
    """
    if regulation.points is not None:
        if general is None or tasks is None:
            raise RuleError("points_required", regulation=regulation.short)
        return grade_from_points(regulation.points, general, tasks)
    if chosen is None or chosen == "":
        raise RuleError("grade_required")
    rulebook().level(chosen)
    return chosen


@dataclass(frozen=True)
class CapCheck:
    """The excellent-to-good cap in one group of comparable collectives or individuals."""

    group: str
    excellent: int
    good: int
    cap: Fraction

    @property
    def allowed(self) -> int:
        """The largest number of "excellent" grades the cap allows."""
        return int(self.cap * self.good)

    @property
    def exceeded(self) -> bool:
        return self.excellent > self.cap * self.good


def check_cap(regulation: Regulation, grades: Mapping[str, Iterable[str]]) -> tuple[CapCheck, ...]:
    """Check the cap in each group of *grades* (group → grade codes); none without a cap."""
    if regulation.excellent_cap is None:
        return ()
    checks = []
    for group, codes in grades.items():
        counts = Counter(codes)
        checks.append(CapCheck(group, counts[EXCELLENT], counts[GOOD], regulation.excellent_cap))
    return tuple(checks)
