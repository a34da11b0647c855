"""Aggregate self-check findings per unit, scope and period; pure, no Django.

A finding is one expression of the checklist that a collective or an individual said
applies to them, with the remedy they proposed. For a set of findings this module
counts how many collectives and how many individuals named each expression, how many
remedies are done and how many are overdue, and how the counts moved between periods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

COLLECTIVE = "collective"
INDIVIDUAL = "individual"

PENDING = "pending"
IN_PROGRESS = "in_progress"
DONE = "done"
STATUSES = (PENDING, IN_PROGRESS, DONE)


@dataclass(frozen=True)
class Finding:
    """One named expression with its remedy (the input row)."""

    period: str
    entry: int  # the collective's or individual's entry; counted once per expression
    kind: str  # COLLECTIVE or INDIVIDUAL
    item: str
    status: str
    due_on: dt.date | None


@dataclass(frozen=True)
class ItemCount:
    """How many collectives and individuals named one expression."""

    item: str
    collectives: int
    individuals: int

    @property
    def total(self) -> int:
        return self.collectives + self.individuals


@dataclass(frozen=True)
class Summary:
    """The counts of a set of findings."""

    items: tuple[ItemCount, ...]
    remedies: int
    done: int
    in_progress: int
    overdue: int

    @property
    def open(self) -> int:
        return self.remedies - self.done

    def count(self, item: str) -> ItemCount:
        for row in self.items:
            if row.item == item:
                return row
        return ItemCount(item, 0, 0)


@dataclass(frozen=True)
class PeriodLine:
    """One period of a trend: its summary and each item's change since the period before."""

    period: str
    summary: Summary
    change: tuple[tuple[str, int | None], ...]  # (item, total now − total before); None first


def is_overdue(finding: Finding, today: dt.date) -> bool:
    """Return whether a remedy is past its deadline and not done."""
    return finding.status != DONE and finding.due_on is not None and finding.due_on < today


def summarise(findings: Iterable[Finding], *, items: Sequence[str], today: dt.date) -> Summary:
    """Count *findings*; every key of *items* gets a row (zero when nobody named it)."""
    rows = list(findings)
    named: dict[str, tuple[set[int], set[int]]] = {key: (set(), set()) for key in items}
    for f in rows:
        collectives, individuals = named.setdefault(f.item, (set(), set()))
        (collectives if f.kind == COLLECTIVE else individuals).add(f.entry)
    return Summary(
        items=tuple(ItemCount(key, len(c), len(i)) for key, (c, i) in named.items()),
        remedies=len(rows),
        done=sum(1 for f in rows if f.status == DONE),
        in_progress=sum(1 for f in rows if f.status == IN_PROGRESS),
        overdue=sum(1 for f in rows if is_overdue(f, today)),
    )


def trend(
    findings: Iterable[Finding], *, periods: Sequence[str], items: Sequence[str], today: dt.date
) -> tuple[PeriodLine, ...]:
    """Return one line per period (in the given order) with each item's change."""
    by_period: dict[str, list[Finding]] = {p: [] for p in periods}
    for f in findings:
        if f.period in by_period:
            by_period[f.period].append(f)
    lines: list[PeriodLine] = []
    before: Summary | None = None
    for period in periods:
        summary = summarise(by_period[period], items=items, today=today)
        change = tuple(
            (
                row.item,
                None if before is None else row.total - before.count(row.item).total,
            )
            for row in summary.items
        )
        lines.append(PeriodLine(period, summary, change))
        before = summary
    return tuple(lines)
