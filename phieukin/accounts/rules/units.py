"""Who reads the unit tree and who appoints leaders."""

from __future__ import annotations

from typing import Any

from phieukin.accounts import permissions
from phieukin.accounts.access import rule


@rule("unit.view")
def view_units(actor: Any, obj: Any) -> bool:
    """Every back-office role reads the units and leaders it reaches (scoped by selectors)."""
    return permissions.is_back_office(actor)


@rule("unit.import")
def import_units(actor: Any, obj: Any) -> bool:
    """Only the operator (the command line) or a superuser loads a district's unit tree."""
    return bool(getattr(actor, "is_superuser", False))


@rule("position.appoint")
def appoint(actor: Any, position: Any) -> bool:
    """The district organiser of the position's unit appoints its holder."""
    return permissions.can_appoint(actor, position)


@rule("person.create")
def create_person(actor: Any, obj: Any) -> bool:
    """A district organiser records a new person (when appointing them)."""
    return permissions.is_district_organiser(actor)
