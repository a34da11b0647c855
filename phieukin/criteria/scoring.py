"""A quarter's result from criterion scores, and the quarters of a year (pure: no Django)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

QUARTERS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Level:
    key: str
    label: str
    min_percent: int


@dataclass(frozen=True)
class Result:
    """Points against the maximum, their share and the level they reach."""

    points: int
    maximum: int
    percent: float
    level_key: str
    level_label: str


def level_for(percent: float, levels: Sequence[Level]) -> Level:
    """Return the best level whose threshold *percent* reaches (levels are best first)."""
    for level in levels:
        if percent >= level.min_percent:
            return level
    return levels[-1]


def result(points: Iterable[tuple[int, int]], levels: Sequence[Level]) -> Result:
    """Return the result of (score, maximum) pairs under *levels*."""
    pairs = list(points)
    got = sum(score for score, _maximum in pairs)
    maximum = sum(m for _score, m in pairs)
    percent = round(100.0 * got / maximum, 1) if maximum else 0.0
    level = level_for(percent, levels)
    return Result(got, maximum, percent, level.key, level.label)


def quarter_start(year: int, quarter: int) -> dt.date:
    """Return the first day of the quarter."""
    return dt.date(year, 3 * (quarter - 1) + 1, 1)


def quarter_end(year: int, quarter: int) -> dt.date:
    """Return the last day of the quarter."""
    if quarter == 4:
        return dt.date(year, 12, 31)
    return quarter_start(year, quarter + 1) - dt.timedelta(days=1)


def quarter_of(day: dt.date) -> tuple[int, int]:
    """Return (year, quarter) of *day*."""
    return day.year, (day.month - 1) // 3 + 1


def last_ended_quarter(today: dt.date) -> tuple[int, int]:
    """Return (year, quarter) of the latest quarter that has ended by *today*."""
    year, quarter = quarter_of(today)
    if quarter == 1:
        return year - 1, 4
    return year, quarter - 1
