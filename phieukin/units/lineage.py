"""The map over time: which units existed on a date, and which old units a unit succeeds.

Reads only. A reorganisation (:class:`~phieukin.units.models.Reorganisation`) ends units
and begins others; each :class:`~phieukin.units.models.Succession` says that a new unit
took over an old one wholly or in part. History follows these links: a ward's report
compares with its predecessors' results, each labelled by how it relates ("phường Bồ Đề
cũ", "ghép từ phường Ngọc Lâm").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from phieukin.core import documents
from phieukin.units.models import Position, Succession, Unit, UnitKind

# Kinds written in lower case before a unit's name in labels ("phường Bồ Đề cũ").
_KIND_WORD = {
    UnitKind.WARD: "phường",
    UnitKind.COMMUNE: "xã",
    UnitKind.DISTRICT: "quận",
    UnitKind.PROVINCE: "thành phố",
}


def valid_on(day: dt.date) -> Q:
    """Return the filter of units that existed on *day*."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)
    )


def units_on(day: dt.date, queryset: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    """Return the units (of *queryset*, all by default) that existed on *day*."""
    qs = Unit.objects.all() if queryset is None else queryset
    return qs.filter(valid_on(day)).order_by("sort_key")


@dataclass(frozen=True)
class MapNode:
    """A unit on the map of a date, with its children on that date."""

    unit: Unit
    children: tuple[MapNode, ...]


def map_on(day: dt.date, units: QuerySet[Unit]) -> list[MapNode]:
    """Return the units of *units* that existed on *day* as a forest, parents as on *day*.

    Moves recorded by later reorganisations are undone, so the map of 2022 shows the
    wards under their district even after they moved to the city.
    """
    present = list(units_on(day, units).prefetch_related("moves__reorganisation"))
    ids = {u.pk for u in present}
    parent_of = {u.pk: u.parent_id_on(day) for u in present}
    children: dict[int | None, list[Unit]] = {}
    for unit in present:
        parent = parent_of[unit.pk]
        children.setdefault(parent if parent in ids else None, []).append(unit)

    def build(unit: Unit) -> MapNode:
        return MapNode(unit, tuple(build(c) for c in children.get(unit.pk, [])))

    return [build(u) for u in children.get(None, [])]


def kind_word(unit: Unit) -> str:
    """Return the lower-case word for the unit's kind ("phường", "xã", "quận")."""
    return _KIND_WORD.get(UnitKind(unit.kind), "") if unit.kind in UnitKind.values else ""


def short_name(unit: Unit) -> str:
    """Return "phường Bồ Đề" for the ward Bồ Đề."""
    word = kind_word(unit)
    return f"{word} {unit.name}" if word else unit.name


@dataclass(frozen=True)
class Predecessor:
    """An old unit a unit succeeds, directly or through earlier reorganisations."""

    unit: Unit
    successor: Unit  # the unit it passed into (the start unit or an intermediate one)
    whole: bool
    population_share: Decimal | None
    staff_share: Decimal | None
    effective: dt.date
    verified: bool
    depth: int

    @property
    def same_name(self) -> bool:
        return self.unit.name == self.successor.name

    @property
    def label(self) -> str:
        """Return how the old unit relates: "phường Bồ Đề cũ" or "ghép từ phường Ngọc Lâm"."""
        name = short_name(self.unit)
        if self.same_name:
            text = _("former %(unit)s") % {"unit": name}
        else:
            text = _("merged from %(unit)s") % {"unit": name}
        return f"{text} ({self.extent})"

    @property
    def extent(self) -> str:
        """Return "whole" or "part" with the known share of population or staff."""
        if self.whole:
            return _("whole")
        if self.population_share is not None:
            return _("part, %(share)s%% of its population") % {
                "share": _percent(self.population_share)
            }
        if self.staff_share is not None:
            return _("part, %(share)s%% of its staff") % {"share": _percent(self.staff_share)}
        return _("part")


def _percent(share: Decimal) -> str:
    value = (share * 100).quantize(Decimal("0.1"))
    return f"{value:f}".rstrip("0").rstrip(".").replace(".", ",")


def predecessors(unit: Unit, *, max_depth: int = 5) -> list[Predecessor]:
    """Return the units *unit* succeeds, nearest reorganisation first, then the older ones."""
    found: list[Predecessor] = []
    seen = {unit.pk}
    frontier = [unit]
    for depth in range(1, max_depth + 1):
        links = list(
            Succession.objects.filter(successor__in=frontier)
            .select_related("predecessor", "successor", "reorganisation")
            .order_by("-reorganisation__effective", "predecessor__sort_key")
        )
        frontier = []
        for link in links:
            if link.predecessor_id in seen:
                continue
            seen.add(link.predecessor_id)
            frontier.append(link.predecessor)
            found.append(
                Predecessor(
                    unit=link.predecessor,
                    successor=link.successor,
                    whole=link.whole,
                    population_share=link.population_share,
                    staff_share=link.staff_share,
                    effective=link.reorganisation.effective,
                    verified=link.verified,
                    depth=depth,
                )
            )
        if not frontier:
            break
    return found


def direct_predecessors(unit_ids: Iterable[int]) -> dict[int, list[Predecessor]]:
    """Return, per unit id, the units it directly succeeds (depth 1), in one query.

    What :func:`predecessors` gives at depth 1 for each unit, for a whole page of units.
    """
    found: dict[int, list[Predecessor]] = {}
    links = (
        Succession.objects.filter(successor_id__in=list(unit_ids))
        .select_related("predecessor", "successor", "reorganisation")
        .order_by("-reorganisation__effective", "predecessor__sort_key")
    )
    for link in links:
        found.setdefault(link.successor_id, []).append(
            Predecessor(
                unit=link.predecessor,
                successor=link.successor,
                whole=link.whole,
                population_share=link.population_share,
                staff_share=link.staff_share,
                effective=link.reorganisation.effective,
                verified=link.verified,
                depth=1,
            )
        )
    return found


def successors_on(unit: Unit, day: dt.date, *, max_depth: int = 5) -> list[Unit]:
    """Return the units that carry *unit* on the map of *day* (itself when it still exists)."""
    if unit.is_valid_on(day):
        return [unit]
    result: list[Unit] = []
    frontier = [unit]
    seen = {unit.pk}
    for _depth in range(max_depth):
        links = list(
            Succession.objects.filter(predecessor__in=frontier).select_related("successor")
        )
        frontier = []
        for link in links:
            if link.successor_id in seen:
                continue
            seen.add(link.successor_id)
            if link.successor.is_valid_on(day):
                result.append(link.successor)
            else:
                frontier.append(link.successor)
        if not frontier:
            break
    return sorted(result, key=lambda u: u.sort_key)


def lineage_unit_ids(unit: Unit) -> set[int]:
    """Return the ids of *unit* and every unit it succeeds."""
    return {unit.pk, *(p.unit.pk for p in predecessors(unit))}


def lineage_ids_of(unit_ids: Iterable[int], *, max_depth: int = 5) -> set[int]:
    """Return *unit_ids* and the ids of every unit any of them succeeds.

    The union of :func:`lineage_unit_ids` over many units in one query per level of
    reorganisation (at most *max_depth*, usually one or two), whatever their number.
    """
    found = set(unit_ids)
    frontier = set(found)
    for _depth in range(max_depth):
        if not frontier:
            break
        older = set(
            Succession.objects.filter(successor_id__in=frontier).values_list(
                "predecessor_id", flat=True
            )
        )
        frontier = older - found
        found |= frontier
    return found


def successor_ids_on(unit_ids: Iterable[int], day: dt.date, *, max_depth: int = 5) -> set[int]:
    """Return the ids of the units that carry any of *unit_ids* on the map of *day*.

    The union of :func:`successors_on` over many units, with one query for the units and
    one per level of reorganisation followed, whatever their number.
    """
    ids = set(unit_ids)
    result: set[int] = set()
    frontier: set[int] = set()
    for unit in Unit.objects.filter(pk__in=ids).only("pk", "valid_from", "valid_until"):
        (result if unit.is_valid_on(day) else frontier).add(unit.pk)
    seen = set(ids)
    for _depth in range(max_depth):
        if not frontier:
            break
        links = Succession.objects.filter(predecessor_id__in=frontier).select_related("successor")
        frontier = set()
        for link in links:
            if link.successor_id in seen:
                continue
            seen.add(link.successor_id)
            if link.successor.is_valid_on(day):
                result.add(link.successor_id)
            else:
                frontier.add(link.successor_id)
    return result


def lineage_positions(
    position: Position, *, predecessors: list[Predecessor] | None = None
) -> list[Position]:
    """Return *position* and the same kind of post in every unit its unit succeeds.

    *predecessors* are :func:`predecessors` of the post's unit when the caller read them.
    """
    if predecessors is None:
        ids = lineage_unit_ids(position.unit) - {position.unit_id}
    else:
        ids = {p.unit.pk for p in predecessors} - {position.unit_id}
    if not ids:
        return [position]
    earlier = list(
        Position.objects.filter(unit_id__in=ids, type_id=position.type_id).select_related("unit")
    )
    return [position, *earlier]


def issuing_body(
    unit: Unit, day: dt.date, *, by_department: bool | None = None
) -> documents.IssuingBody:
    """Return who issues the documents of a round organised by *unit* on *day*.

    The superior body is the Party organisation of the unit's parent on that date, so a
    2022 document of a ward reads "ĐẢNG BỘ QUẬN LONG BIÊN" and a 2026 one "ĐẢNG BỘ
    THÀNH PHỐ HÀ NỘI". With *by_department* the unit's organising department issues
    under the unit's committee ("QUẬN ỦY LONG BIÊN / BAN TUYÊN GIÁO") when one is
    recorded (see :func:`core.documents.issuing_body`).
    """
    parent_id = unit.parent_id_on(day)
    parent = Unit.objects.filter(pk=parent_id).first() if parent_id else None
    parent_organisation = ""
    if parent is not None:
        parent_organisation = (
            parent.party_organisation or parent.party_committee or parent.full_name
        )
    place = unit.name
    for prefix in ("Thành phố ", "Tỉnh "):
        if unit.kind == UnitKind.PROVINCE and place.startswith(prefix):
            place = place[len(prefix) :]  # "Hà Nội, ngày …", not "Thành phố Hà Nội, ngày …"
    return documents.issuing_body(
        level=unit.kind,
        place=place,
        committee=unit.party_committee or unit.full_name,
        department=unit.organiser_unit,
        parent_organisation=parent_organisation,
        symbol=unit.document_symbol_suffix,
        by_department=by_department,
    )
