"""Reads of units, positions and tenures, always scoped to the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from phieukin.accounts.models import Role
from phieukin.accounts.scoping import scope_to_units, unit_ids_for
from phieukin.units import lineage
from phieukin.units.models import (
    Person,
    Position,
    Reorganisation,
    Tenure,
    Unit,
    UnitKind,
    UnitMove,
)


def units_for(user: Any) -> QuerySet[Unit]:
    """Return the units the user sees, in Vietnamese order."""
    return scope_to_units(Unit.objects.all(), user, "id").order_by("sort_key")


def wards_for(user: Any) -> QuerySet[Unit]:
    """Return the wards and communes the user sees, in Vietnamese order."""
    return units_for(user).filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE])


def organised_wards(
    user: Any, organiser_unit: Unit, *, day: dt.date | None = None
) -> QuerySet[Unit]:
    """Return the wards a round organised by *organiser_unit* may cover, Vietnamese order.

    An organiser at any level: a ward (or commune) organises a round on its own leaders,
    so its only conference is its own; a city or a (former) district covers the wards
    and communes below it that the user organises. With *day*, only the units that
    exist on that day (the map of the conference date).
    """
    ids = unit_ids_for(user, roles=[Role.DISTRICT_ORGANISER])
    kinds = [UnitKind.WARD, UnitKind.COMMUNE]
    if organiser_unit.kind in kinds:
        qs = Unit.objects.filter(pk=organiser_unit.pk, id__in=ids)
    else:
        below: set[int] = set()
        frontier = {organiser_unit.pk}
        while frontier:
            frontier = (
                set(Unit.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
                - below
            )
            below |= frontier
        qs = Unit.objects.filter(id__in=below & ids, kind__in=kinds)
    if day is not None:
        qs = qs.filter(lineage.valid_on(day))
    return qs.order_by("sort_key")


@dataclass
class TreeNode:
    """A unit with its visible children, for rendering the unit tree."""

    unit: Unit
    children: list[TreeNode] = field(default_factory=list)


def unit_tree(user: Any) -> list[TreeNode]:
    """Return the visible units as a forest; children in Vietnamese order."""
    units = list(units_for(user))
    nodes = {u.pk: TreeNode(u) for u in units}
    roots: list[TreeNode] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        if parent is None:
            roots.append(nodes[unit.pk])
        else:
            parent.children.append(nodes[unit.pk])
    return roots


@dataclass(frozen=True)
class PositionRow:
    """A position with its current holder and its tenure history (newest first)."""

    position: Position
    holder: Tenure | None
    history: list[Tenure]


def positions_for(user: Any, *, day: dt.date | None = None) -> list[PositionRow]:
    """Return the positions of the user's wards, ward by ward, with holders on *day*."""
    today = day or dt.date.today()
    positions = (
        scope_to_units(Position.objects.all(), user, "unit_id")
        .select_related("unit", "type")
        .prefetch_related(
            Prefetch(
                "tenures",
                queryset=Tenure.objects.select_related("person").order_by("-start"),
            )
        )
        .order_by("unit__sort_key", "type__order")
    )
    rows = []
    for position in positions:
        history = list(position.tenures.all())
        holder = next(
            (t for t in history if t.start <= today and (t.end is None or t.end >= today)), None
        )
        rows.append(PositionRow(position=position, holder=holder, history=history))
    return rows


def appointable_positions(user: Any) -> QuerySet[Position]:
    """Return the positions the user may appoint to (as district organiser)."""
    return scope_to_units(
        Position.objects.select_related("unit", "type"),
        user,
        "unit_id",
        roles=[Role.DISTRICT_ORGANISER],
    ).order_by("unit__sort_key", "type__order")


def people_for(user: Any) -> QuerySet[Person]:
    """Return people who hold or held a post in the user's units, in name order."""
    ids = unit_ids_for(user)
    return Person.objects.filter(tenures__position__unit_id__in=ids).distinct().order_by("sort_key")


def organiser_units_for(user: Any) -> QuerySet[Unit]:
    """Return the units the user is district organiser of (the units rounds belong to)."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(
        memberships__user=user, memberships__role=Role.DISTRICT_ORGANISER
    ).order_by("sort_key")


def map_for(user: Any, day: dt.date) -> list[lineage.MapNode]:
    """Return the units the user sees that existed on *day*, drawn as on that day."""
    return lineage.map_on(day, units_for(user))


@dataclass(frozen=True)
class ReorganisationView:
    """A reorganisation with its successions grouped by new unit, for the units page."""

    reorganisation: Reorganisation
    successors: list[tuple[Unit, list[lineage.Predecessor]]]
    ended: list[Unit]
    moves: list[UnitMove]


def reorganisations_for(user: Any) -> list[ReorganisationView]:
    """Return the reorganisations that touched the user's units, oldest first."""
    ids = unit_ids_for(user)
    if not ids:
        return []
    views = []
    for reorg in Reorganisation.objects.order_by("effective", "pk"):
        links = list(
            reorg.successions.filter(successor_id__in=ids).select_related(
                "predecessor", "successor"
            )
        )
        moves = list(
            reorg.moves.filter(unit_id__in=ids).select_related("unit", "old_parent", "new_parent")
        )
        ended = list(
            Unit.objects.filter(id__in=ids, valid_until=reorg.last_day_before).order_by(
                "kind", "sort_key"
            )
        )
        if not links and not moves and not ended:
            continue
        grouped: dict[int, tuple[Unit, list[lineage.Predecessor]]] = {}
        for link in sorted(
            links, key=lambda s: (s.successor.sort_key, not s.whole, s.predecessor.sort_key)
        ):
            _unit, items = grouped.setdefault(link.successor_id, (link.successor, []))
            items.append(
                lineage.Predecessor(
                    unit=link.predecessor,
                    successor=link.successor,
                    whole=link.whole,
                    population_share=link.population_share,
                    staff_share=link.staff_share,
                    effective=reorg.effective,
                    verified=link.verified,
                    depth=1,
                )
            )
        views.append(
            ReorganisationView(
                reorganisation=reorg, successors=list(grouped.values()), ended=ended, moves=moves
            )
        )
    return views


def pick_organiser_unit(units: list[Unit], params: Any) -> Unit | None:
    """Return the organising unit named by ``params["organiser"]`` among *units*.

    Without a (valid) choice: the first unit that exists today, else the first one.
    """
    chosen = str(params.get("organiser", "") or "")
    for unit in units:
        if str(unit.pk) == chosen:
            return unit
    today = dt.date.today()
    return next((u for u in units if u.is_valid_on(today)), units[0] if units else None)
