"""Who reads the unit tree, who redraws it and who appoints leaders."""

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


@rule("unit.view")
def view_units(actor: Any, obj: Any) -> bool:
    """Every back-office role reads the units and leaders it reaches (scoped by selectors)."""
    return permissions.is_back_office(actor)


@rule("unit.import")
def import_units(actor: Any, obj: Any) -> bool:
    """The operator (command line), a superuser or the city's organiser loads units."""
    return bool(getattr(actor, "is_superuser", False)) or _organises_a_top_unit(actor)


@rule("unit.reorganise")
def reorganise(actor: Any, obj: Any) -> bool:
    """The operator, a superuser or the city's organiser records a reorganisation."""
    return bool(getattr(actor, "is_superuser", False)) or _organises_a_top_unit(actor)


@rule("position.appoint")
def appoint(actor: Any, position: Any) -> bool:
    """The district organiser of the position's unit appoints its holder."""
    return permissions.can_appoint(actor, position)


@rule("person.create")
def create_person(actor: Any, obj: Any) -> bool:
    """A district organiser records a new person (when appointing them)."""
    return permissions.is_district_organiser(actor)
