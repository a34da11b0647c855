"""Reads of the recognition registry: search, counts per year and unit, public listings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from phieukin.accounts.scoping import MANAGING_ROLES, unit_ids_for
from phieukin.recognition.models import EmulationModel, Honouree, Level
from phieukin.units.models import Unit


def honourees_for(
    user: Any,
    *,
    q: str = "",
    year: int | None = None,
    unit_id: int | None = None,
    level: str = "",
) -> QuerySet[Honouree]:
    """Return the honourees the user may read, filtered; *q* searches names, deeds, decisions."""
    if not getattr(user, "is_authenticated", False):
        return Honouree.objects.none()
    condition = Q(unit_id__in=unit_ids_for(user, roles=list(MANAGING_ROLES)))
    person_id = getattr(user, "person_id", None)
    if person_id is not None:
        condition |= Q(person_id=person_id)
    qs = Honouree.objects.filter(condition).select_related("unit")
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(full_name__icontains=term)
            | Q(deed__icontains=term)
            | Q(decision_number__icontains=term)
        )
    if year:
        qs = qs.filter(year=year)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if level:
        qs = qs.filter(level=level)
    return qs


def models_for(
    user: Any,
    *,
    q: str = "",
    year: int | None = None,
    unit_id: int | None = None,
    field: str = "",
    status: str = "",
) -> QuerySet[EmulationModel]:
    """Return the emulation models the user may read, filtered; *q* searches the texts."""
    if not getattr(user, "is_authenticated", False):
        return EmulationModel.objects.none()
    qs = EmulationModel.objects.filter(
        unit_id__in=unit_ids_for(user, roles=list(MANAGING_ROLES))
    ).select_related("unit")
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(name__icontains=term) | Q(description__icontains=term) | Q(results__icontains=term)
        )
    if year:
        qs = qs.filter(year=year)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if field:
        qs = qs.filter(field=field)
    if status:
        qs = qs.filter(status=status)
    return qs


@dataclass(frozen=True)
class CountRow:
    """Counts of one year (or one unit in a year): honourees per level and models."""

    label: str
    district: int
    city: int
    national: int
    models: int
    public_models: int = 0

    @property
    def honourees(self) -> int:
        return self.district + self.city + self.national


@dataclass(frozen=True)
class Counts:
    """The counts per year and, for each year, per unit."""

    years: tuple[CountRow, ...]
    units: dict[int, tuple[CountRow, ...]]
    total: CountRow


def counts(user: Any, *, unit_ids: set[int] | None = None) -> Counts:
    """Return the counts per year and unit of the entries the user may read.

    Counted in the database (GROUP BY year, unit, level), never by loading rows.
    """
    honourees = honourees_for(user)
    models = models_for(user)
    if unit_ids is not None:
        honourees = honourees.filter(unit_id__in=unit_ids)
        models = models.filter(unit_id__in=unit_ids)
    h_rows = honourees.values("year", "unit_id", "level").annotate(n=Count("id")).order_by()
    m_rows = models.values("year", "unit_id", "public").annotate(n=Count("id")).order_by()
    per: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for h in h_rows:
        per[(h["year"], h["unit_id"])][h["level"]] += h["n"]
    for m in m_rows:
        per[(m["year"], m["unit_id"])]["models"] += m["n"]
        if m["public"]:
            per[(m["year"], m["unit_id"])]["public_models"] += m["n"]
    names = dict((u.pk, str(u)) for u in Unit.objects.filter(pk__in={unit for _y, unit in per}))
    order = {
        u: i
        for i, u in enumerate(
            Unit.objects.filter(pk__in=set(names)).order_by("sort_key").values_list("pk", flat=True)
        )
    }

    def row(label: str, values: list[dict[str, int]]) -> CountRow:
        return CountRow(
            label=label,
            district=sum(v[Level.DISTRICT] for v in values),
            city=sum(v[Level.CITY] for v in values),
            national=sum(v[Level.NATIONAL] for v in values),
            models=sum(v["models"] for v in values),
            public_models=sum(v["public_models"] for v in values),
        )

    years = sorted({year for year, _unit in per})
    year_rows = tuple(
        row(str(year), [v for (y, _u), v in per.items() if y == year]) for year in years
    )
    unit_rows: dict[int, tuple[CountRow, ...]] = {}
    for year in years:
        units = sorted((u for (y, u) in per if y == year), key=lambda u: order.get(u, 0))
        unit_rows[year] = tuple(row(names.get(u, "?"), [per[(year, u)]]) for u in units)
    return Counts(years=year_rows, units=unit_rows, total=row("", list(per.values())))


def subtree(unit: Unit) -> set[int]:
    """Return the ids of *unit* and every unit below it."""
    reached = {unit.pk}
    frontier = {unit.pk}
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= reached
        reached |= frontier
    return reached


def public_honourees(unit: Unit) -> QuerySet[Honouree]:
    """Return what the office marked public among the honourees of *unit* and below."""
    return Honouree.objects.filter(public=True, unit_id__in=subtree(unit)).select_related("unit")


def public_models(unit: Unit) -> QuerySet[EmulationModel]:
    """Return what the office marked public among the models of *unit* and below."""
    return EmulationModel.objects.filter(public=True, unit_id__in=subtree(unit)).select_related(
        "unit"
    )


def recognitions_of_person(person_id: int) -> QuerySet[Honouree]:
    """Return the honours of a leader (unscoped: the caller filters by ``recognition.view``)."""
    return Honouree.objects.filter(person_id=person_id).select_related("unit").order_by("year")


def units_for(user: Any) -> QuerySet[Unit]:
    """Return the units whose registry the user may read, for filters and forms."""
    return Unit.objects.filter(pk__in=unit_ids_for(user, roles=list(MANAGING_ROLES))).order_by(
        "sort_key"
    )


def dashboard_panel(user: Any) -> dict[str, Any] | None:
    """Return the registry's latest year in figures for the dashboard, or None."""
    if not unit_ids_for(user, roles=list(MANAGING_ROLES)):
        return None
    totals = counts(user)
    if not totals.years:
        return None
    return {"latest": totals.years[-1], "total": totals.total}
