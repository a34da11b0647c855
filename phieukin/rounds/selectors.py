"""Reads of rounds, conferences and boxes, always scoped to the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet

from phieukin.accounts.permissions import leader_person_id
from phieukin.accounts.scoping import scope_to_units, unit_ids_for
from phieukin.questionnaires.models import ScaleOption
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, Conference, Round
from phieukin.units import lineage

# The value of ``ballots.models.CodeState.USED``: ballots sits above rounds, so the live
# counts read its rows through the box's reverse relations and name the state by value.
CODE_USED = "used"


def visible_conferences(user: Any) -> QuerySet[Conference]:
    """Return the conferences the user may read.

    Managing roles see their wards' conferences; an evaluated leader sees only the
    conferences at which they were evaluated.
    """
    qs = Conference.objects.select_related("round", "unit", "box")
    person_id = leader_person_id(user)
    if person_id is None:
        return scope_to_units(qs, user, "unit_id")
    ids = unit_ids_for(user)
    own = Conference.objects.filter(subjects__person_id=person_id).values("pk")
    return qs.filter(Q(unit_id__in=ids) | Q(pk__in=own))


def visible_rounds(user: Any) -> QuerySet[Round]:
    """Return the rounds the user may read (leaders: rounds in which they were evaluated)."""
    ids = unit_ids_for(user)
    person_id = leader_person_id(user)
    if not ids and person_id is None:
        return Round.objects.none()
    q = Q(organiser_unit_id__in=ids) | Q(
        pk__in=Conference.objects.filter(unit_id__in=ids).values("round_id")
    )
    if person_id is not None:
        q |= Q(pk__in=Conference.objects.filter(subjects__person_id=person_id).values("round_id"))
    return Round.objects.filter(q).select_related("questionnaire", "organiser_unit")


@dataclass(frozen=True)
class LiveCounts:
    """Counts of a box that reveal nothing about content."""

    codes_issued: int
    codes_used: int
    ballots: int


def live_counts(box_ids: list[int]) -> dict[int, LiveCounts]:
    """Return codes issued, codes used and ballots received per box, by counting rows.

    A box's codes and ballots are in the open-box tables until it is sealed and in the
    sealed history after (``codes``/``sealed_codes``, ``pending_ballots``/``ballots``);
    both are counted. Each figure is one grouped count over one reverse relation of the
    box, so no join multiplies rows.
    """
    boxes = BallotBox.objects.filter(pk__in=box_ids).order_by()

    def count(relation: str, condition: Q | None = None) -> dict[int, int]:
        return dict(boxes.annotate(n=Count(relation, filter=condition)).values_list("pk", "n"))

    def both(open_: str, sealed: str, state: str | None = None) -> dict[int, int]:
        first = count(open_, Q(**{f"{open_}__state": state}) if state else None)
        second = count(sealed, Q(**{f"{sealed}__state": state}) if state else None)
        return {pk: first.get(pk, 0) + second.get(pk, 0) for pk in box_ids}

    issued = both("codes", "sealed_codes")
    used = both("codes", "sealed_codes", CODE_USED)
    ballots = both("pending_ballots", "ballots")
    return {box_id: LiveCounts(issued[box_id], used[box_id], ballots[box_id]) for box_id in box_ids}


@dataclass(frozen=True)
class ConferenceRow:
    """A conference with its box's live counts, for dashboards and round pages."""

    conference: Conference
    counts: LiveCounts


def conference_rows(user: Any, round: Round) -> list[ConferenceRow]:
    """Return the round's conferences the user sees, Vietnamese order, with live counts."""
    conferences = list(
        visible_conferences(user)
        .filter(round=round)
        .prefetch_related("subjects")
        .order_by("unit__sort_key")
    )
    counts = live_counts([c.box.pk for c in conferences])
    return [ConferenceRow(conference=c, counts=counts[c.box.pk]) for c in conferences]


def round_list_for(user: Any) -> QuerySet[Round]:
    """Return the visible rounds, newest first, with their first and last conference dates."""
    return (
        visible_rounds(user)
        .annotate(first_day=Min("conferences__held_on"), last_day=Max("conferences__held_on"))
        .order_by("-year", "-number")
    )


def previous_round(round: Round) -> Round | None:
    """Return the latest earlier counted round on the same ground (see :func:`earlier_rounds`)."""
    earlier = earlier_rounds(round, limit=1)
    return earlier[-1] if earlier else None


def round_day(round: Round) -> dt.date:
    """Return the day of the round's first conference (1 January of its year without one)."""
    first = (
        Conference.objects.filter(round=round, held_on__isnull=False).order_by("held_on").first()
    )
    return first.held_on if first and first.held_on else dt.date(round.year, 1, 1)


def round_unit_ids(round: Round) -> set[int]:
    """Return the ids of the units the round holds conferences in."""
    return set(Conference.objects.filter(round=round).values_list("unit_id", flat=True))


def earlier_rounds(round: Round, limit: int = 5) -> list[Round]:
    """Return up to *limit* earlier counted rounds on the same ground, oldest first.

    The one rule of "the previous round(s)" for tallies, reports and trends. Earlier is
    by (year, number); counted means at least one of its boxes is sealed (a sealed box's
    figures are final; a round planned but never held is skipped). The same ground is
    the same organiser, or any organiser's round held on the old map of exactly the same
    ground: the units of its conferences pass, through the recorded reorganisations,
    into exactly the units of this round (the 2022 rounds of the 14 Long Biên wards for
    a 2026 round of the four wards that succeed them).

    Set-based: the number of queries does not grow with the number of units (a city's
    126 wards or a province's 168 communes cost what a district's 14 do).
    """
    units = round_unit_ids(round)
    ground = lineage.lineage_ids_of(units)
    # Two semi-joins, not joins: joining a round's conferences twice (its sealed boxes,
    # its units) multiplied the rows by the number of communes squared before DISTINCT
    # (0.7 s for a province of 168 communes with ten rounds).
    counted = Conference.objects.filter(box__state=BoxState.SEALED).values("round_id")
    on_ground = Conference.objects.filter(unit_id__in=ground).values("round_id")
    candidates = [
        other
        for other in Round.objects.filter(pk__in=counted)
        .filter(Q(organiser_unit_id=round.organiser_unit_id) | Q(pk__in=on_ground))
        .exclude(pk=round.pk)
        if (other.year, other.number) < (round.year, round.number)
    ]
    foreign = [o.pk for o in candidates if o.organiser_unit_id != round.organiser_unit_id]
    units_of: dict[int, set[int]] = {pk: set() for pk in foreign}
    for round_id, unit_id in Conference.objects.filter(round_id__in=foreign).values_list(
        "round_id", "unit_id"
    ):
        units_of[round_id].add(unit_id)
    day = round_day(round) if foreign else dt.date(round.year, 1, 1)
    earlier = [
        other
        for other in candidates
        if other.organiser_unit_id == round.organiser_unit_id
        or (units and lineage.successor_ids_on(units_of[other.pk], day) == units)
    ]
    earlier.sort(key=lambda r: (r.year, r.number))
    return earlier[-limit:]


def low_option_labels(round: Round) -> list[str]:
    """Return the labels of the options the round counts as low ratings ("Trung bình")."""
    keys = list(round.low_option_keys or [])
    labels = dict(
        ScaleOption.objects.filter(scale__questionnaire=round.questionnaire_id, key__in=keys)
        .order_by("order")
        .values_list("key", "label")
    )
    return [labels.get(key, key) for key in keys]
