"""Reads of the grading, always scoped: years, gradings, tables, the cap per group."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from phieukin.accounts.access import can
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import roles_of, scope_to_units, unit_ids_for
from phieukin.grading import rules
from phieukin.grading.models import Grading, GradingYear, Step, SubjectKind
from phieukin.units.models import Unit

READING_ROLES = (Role.WARD_ORGANISER, Role.DISTRICT_ORGANISER, Role.STANDING_COMMITTEE)


def _visible(user: Any) -> Q:
    """Return the filter of the gradings *user* reads (the rule ``grading.view``)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    condition = Q(unit_id__in=unit_ids_for(user, roles=READING_ROLES))
    person_id = getattr(user, "person_id", None)
    if person_id is not None and Role.LEADER in roles_of(user):
        condition |= Q(kind=SubjectKind.INDIVIDUAL, person_id=person_id)
    return condition


def gradings_for(
    user: Any, *, year: int | None = None, unit_id: int | None = None
) -> QuerySet[Grading]:
    """Return the gradings the user reads, optionally of one year and one unit."""
    qs = Grading.objects.filter(_visible(user)).select_related("year", "unit", "person")
    if year is not None:
        qs = qs.filter(year__year=year)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("-year__year", "unit__sort_key", "kind", "position_title", "name")


def years_for(user: Any) -> QuerySet[GradingYear]:
    """Return the years in which the user reads at least one grading."""
    ids = gradings_for(user).values_list("year_id", flat=True)
    return GradingYear.objects.filter(pk__in=ids).select_related("organiser_unit").order_by("-year")


def year_for(user: Any, pk: int) -> GradingYear | None:
    return years_for(user).filter(pk=pk).first()


def cap_checks(
    year: GradingYear, gradings: Iterable[Grading] | None = None
) -> tuple[rules.CapCheck, ...]:
    """Check the excellent-to-good cap per group of comparable subjects of *year*.

    Each subject counts with its latest grade (decided, else proposed, else self-graded),
    over the whole year — not only the rows a reader sees — since the cap is about the
    whole group.
    """
    rows = gradings if gradings is not None else Grading.objects.filter(year=year)
    grouped: dict[str, list[str]] = defaultdict(list)
    for g in rows:
        if g.current_grade:
            grouped[g.peer_group].append(g.current_grade)
    regulation = rules.rulebook().regulation(year.regulation)
    return rules.check_cap(regulation, dict(sorted(grouped.items())))


def exceeded_caps(year: GradingYear) -> list[rules.CapCheck]:
    return [c for c in cap_checks(year) if c.exceeded]


@dataclass(frozen=True)
class StepCounts:
    total: int
    pending: int
    self_assessed: int
    proposed: int
    decided: int


def step_counts(gradings: Iterable[Grading]) -> StepCounts:
    rows = list(gradings)
    return StepCounts(
        total=len(rows),
        pending=sum(1 for g in rows if g.step == Step.PENDING),
        self_assessed=sum(1 for g in rows if g.step == Step.SELF_ASSESSED),
        proposed=sum(1 for g in rows if g.step == Step.PROPOSED),
        decided=sum(1 for g in rows if g.step == Step.DECIDED),
    )


@dataclass(frozen=True)
class DashboardPanel:
    """The dashboard's grading line: the latest year the user reads."""

    year: GradingYear
    counts: StepCounts
    exceeded: int


def dashboard_panel(user: Any) -> DashboardPanel | None:
    """Return the latest visible year with its step counts and exceeded caps, or None."""
    year = years_for(user).first()
    if year is None:
        return None
    rows = gradings_for(user).filter(year=year)
    exceeded = len(exceeded_caps(year)) if can(user, "grading.view_year", year) else 0
    return DashboardPanel(year=year, counts=step_counts(rows), exceeded=exceeded)


def organised_units(user: Any) -> QuerySet[Unit]:
    """Units above the wards that *user* organises: where they open a grading year."""
    return scope_to_units(
        Unit.objects.exclude(kind__in=["ward", "commune"]), user, "id", [Role.DISTRICT_ORGANISER]
    ).order_by("sort_key")
