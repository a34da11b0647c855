"""Reads of the self-check, always scoped: sessions, findings, aggregation per unit and scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from phieukin.accounts.rules.selfcheck import READING_ROLES, RECORDING_ROLES
from phieukin.accounts.scoping import scope_to_units
from phieukin.selfcheck import aggregate
from phieukin.selfcheck.models import Checklist, ChecklistItem, Entry, Finding, Session
from phieukin.units.models import Unit


def checklists() -> QuerySet[Checklist]:
    """Return every imported checklist version, newest version first (not unit-bound)."""
    return Checklist.objects.order_by("code", "-version")


def checklist_items(checklist: Checklist) -> list[ChecklistItem]:
    return list(checklist.items.select_related("group").order_by("order"))


def sessions_for(
    user: Any, *, unit_id: int | None = None, period: str | None = None
) -> QuerySet[Session]:
    """Return the sessions the user may read, optionally of one unit (and below) and period."""
    qs = scope_to_units(
        Session.objects.select_related("unit", "checklist"), user, "unit_id", READING_ROLES
    )
    if unit_id is not None:
        qs = qs.filter(unit_id__in=_subtree(unit_id))
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("-held_on", "unit__sort_key")


def _subtree(unit_id: int) -> set[int]:
    reached = {unit_id}
    frontier = {unit_id}
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier -= reached
        reached |= frontier
    return reached


def session_detail(session: Session) -> Session:
    """Return the session with its entries, findings and items loaded."""
    findings = Finding.objects.select_related("item", "item__group").order_by("item__order")
    entries = Entry.objects.prefetch_related(Prefetch("findings", queryset=findings)).order_by(
        "kind", "id"
    )
    return (
        Session.objects.select_related("unit", "checklist")
        .prefetch_related(Prefetch("entries", queryset=entries))
        .get(pk=session.pk)
    )


def periods_for(user: Any) -> list[str]:
    """Return the periods of the readable sessions, oldest first."""
    seen: dict[str, dt.date] = {}
    for period, held_on in sessions_for(user).values_list("period", "held_on"):
        seen[period] = min(held_on, seen.get(period, held_on))
    return sorted(seen, key=lambda p: (seen[p], p))


def _facts(sessions: Iterable[Session]) -> list[aggregate.Finding]:
    rows = Finding.objects.filter(entry__session__in=list(sessions)).values_list(
        "entry__session__period", "entry_id", "entry__kind", "item__key", "status", "due_on"
    )
    return [
        aggregate.Finding(
            period=period, entry=entry, kind=kind, item=item, status=status, due_on=due_on
        )
        for period, entry, kind, item, status, due_on in rows
    ]


def _item_keys(sessions: Sequence[Session]) -> list[str]:
    """Return the item keys of the sessions' checklists in checklist order (each once)."""
    keys: list[str] = []
    checklist_ids = sorted({s.checklist_id for s in sessions})
    for key in (
        ChecklistItem.objects.filter(checklist_id__in=checklist_ids)
        .order_by("checklist_id", "order")
        .values_list("key", flat=True)
    ):
        if key not in keys:
            keys.append(key)
    return keys


def item_texts(sessions: Sequence[Session]) -> dict[str, ChecklistItem]:
    """Return the items of the sessions' checklists by key (the newest version's wording)."""
    texts: dict[str, ChecklistItem] = {}
    for item in ChecklistItem.objects.filter(
        checklist_id__in={s.checklist_id for s in sessions}
    ).order_by("checklist__version", "order"):
        texts[item.key] = item
    return texts


def session_summary(session: Session, today: dt.date | None = None) -> aggregate.Summary:
    """Return the counts of one session."""
    return aggregate.summarise(
        _facts([session]),
        items=_item_keys([session]),
        today=today or timezone.localdate(),
    )


@dataclass(frozen=True)
class ScopeSummary:
    """The aggregation over the sessions a user reads: one period and the trend."""

    sessions: tuple[Session, ...]
    period: str | None
    summary: aggregate.Summary
    trend: tuple[aggregate.PeriodLine, ...]
    items: dict[str, ChecklistItem]
    collectives: int
    individuals: int

    @property
    def rows(self) -> list[tuple[ChecklistItem | None, aggregate.ItemCount]]:
        """Return each expression's item (wording, draft flag) with its counts."""
        return [(self.items.get(row.item), row) for row in self.summary.items]


def scope_summary(
    user: Any,
    *,
    period: str | None = None,
    unit_id: int | None = None,
    today: dt.date | None = None,
) -> ScopeSummary:
    """Aggregate the readable sessions (of a unit and below), for a period and across periods."""
    today = today or timezone.localdate()
    every = list(sessions_for(user, unit_id=unit_id))
    chosen = [s for s in every if period is None or s.period == period]
    keys = _item_keys(every)
    facts = _facts(every)
    order: dict[str, dt.date] = {}
    for s in every:
        order[s.period] = min(s.held_on, order.get(s.period, s.held_on))
    periods = sorted(order, key=lambda p: (order[p], p))
    entry_kinds = list(Entry.objects.filter(session__in=chosen).values_list("kind", flat=True))
    return ScopeSummary(
        sessions=tuple(chosen),
        period=period,
        summary=aggregate.summarise(
            [f for f in facts if period is None or f.period == period], items=keys, today=today
        ),
        trend=aggregate.trend(facts, periods=periods, items=keys, today=today),
        items=item_texts(every),
        collectives=entry_kinds.count(aggregate.COLLECTIVE),
        individuals=entry_kinds.count(aggregate.INDIVIDUAL),
    )


def findings_of_person(person_id: int, year: int) -> list[Finding]:
    """Return the findings of a person's own entries in sessions held in *year* (unscoped).

    Callers decide who may see them (the grading evidence does).
    """
    return list(
        Finding.objects.filter(
            entry__person_id=person_id,
            entry__kind=aggregate.INDIVIDUAL,
            entry__session__held_on__year=year,
        ).select_related("item", "entry__session")
    )


def entries_of_person(person_id: int, year: int) -> list[Entry]:
    return list(
        Entry.objects.filter(
            person_id=person_id, kind=aggregate.INDIVIDUAL, session__held_on__year=year
        ).select_related("session")
    )


def findings_of_unit(unit_id: int, year: int) -> tuple[list[Session], list[Finding]]:
    """Return a unit's sessions held in *year* and its collective findings (unscoped)."""
    sessions = list(Session.objects.filter(unit_id=unit_id, held_on__year=year))
    findings = list(
        Finding.objects.filter(
            entry__session__in=sessions, entry__kind=aggregate.COLLECTIVE
        ).select_related("item", "entry__session")
    )
    return sessions, findings


@dataclass(frozen=True)
class DashboardPanel:
    """The dashboard's self-check line: the latest period of the reader's scope."""

    period: str
    sessions: int
    remedies: int
    done: int
    overdue: int


def dashboard_panel(user: Any) -> DashboardPanel | None:
    """Return the latest period's counts of the sessions the user reads, or None."""
    periods = periods_for(user)
    if not periods:
        return None
    scope = scope_summary(user, period=periods[-1])
    overdue = scope_summary(user).summary.overdue
    return DashboardPanel(
        period=periods[-1],
        sessions=len(scope.sessions),
        remedies=scope.summary.remedies,
        done=scope.summary.done,
        overdue=overdue,
    )


def recordable_units(user: Any) -> QuerySet[Unit]:
    """Units where *user* records a self-check (the organisers of the unit)."""
    return scope_to_units(Unit.objects.all(), user, "id", RECORDING_ROLES).order_by("sort_key")
