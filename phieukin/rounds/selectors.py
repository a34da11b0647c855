"""Reads of rounds, conferences and boxes, always scoped to the user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from phieukin.accounts.scoping import scope_to_units, unit_ids_for
from phieukin.rounds.models import BallotBox, Conference, Round


def rounds_for(user: Any) -> QuerySet[Round]:
    """Return rounds organised by, or holding a conference in, a unit the user sees."""
    ids = unit_ids_for(user)
    return (
        Round.objects.filter(organiser_unit_id__in=ids)
        | Round.objects.filter(conferences__unit_id__in=ids)
    ).distinct()


def conferences_for(user: Any) -> QuerySet[Conference]:
    """Return the conferences of the wards the user sees."""
    return scope_to_units(Conference.objects.select_related("round", "unit"), user, "unit_id")


def boxes_for(user: Any) -> QuerySet[BallotBox]:
    """Return the ballot boxes of the wards the user sees."""
    return scope_to_units(
        BallotBox.objects.select_related("conference__round", "conference__unit"),
        user,
        "conference__unit_id",
    )
