"""Rules of the unit tree: reorganisations, unit imports and appointments."""

from __future__ import annotations

from typing import Any

from phieukin.accounts import permissions
from phieukin.accounts.access import rule
from phieukin.accounts.models import Membership, Role


def _organises_a_top_unit(actor: Any) -> bool:
    # The map is the city's (or province's): only its organiser redraws it.
    return Membership.objects.filter(
        user=actor, role=Role.DISTRICT_ORGANISER, unit__parent__isnull=True
    ).exists()


@rule("units.reorganise")
def reorganise(actor: Any, obj: Any) -> bool:
    """The organiser of a top-level unit (the city) records a reorganisation of the map."""
    return bool(getattr(actor, "is_superuser", False)) or _organises_a_top_unit(actor)


@rule("units.import")
def import_units(actor: Any, obj: Any) -> bool:
    """The organiser of a top-level unit (the city) imports a list of units."""
    return bool(getattr(actor, "is_superuser", False)) or _organises_a_top_unit(actor)


@rule("units.appoint")
def appoint(actor: Any, obj: Any) -> bool:
    """An organiser appoints holders of posts in the units they reach (obj: a position)."""
    return permissions.can_appoint(actor, obj)


@rule("units.view_map")
def view_map(actor: Any, obj: Any) -> bool:
    """Every back-office role reads the map of any date (scoped to its own units)."""
    return permissions.is_back_office(actor)
