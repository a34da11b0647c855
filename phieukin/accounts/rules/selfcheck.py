"""Rules of the Directive 24-CT/TU self-check.

The organiser imports checklist versions; the organiser of the unit's scope or the
unit's own office records a session, its entries and findings and their follow-up; the
Standing Committee reads. Objects are read by attribute: a unit's ``pk``, a session's
``unit_id``.
"""

from __future__ import annotations

from typing import Any

from phieukin.accounts import permissions
from phieukin.accounts.access import rule
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import unit_ids_for

RECORDING_ROLES = (Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER)
READING_ROLES = (*RECORDING_ROLES, Role.STANDING_COMMITTEE)


def _unit_id(obj: Any) -> int | None:
    return getattr(obj, "unit_id", None) or getattr(obj, "pk", None)


@rule("selfcheck.import_checklist")
def import_checklist(actor: Any, obj: Any) -> bool:
    """An organiser imports a checklist version."""
    return permissions.is_district_organiser(actor)


@rule("selfcheck.view_checklists")
def view_checklists(actor: Any, obj: Any) -> bool:
    """The back office reads the checklist versions (they are not unit-bound)."""
    return permissions.is_back_office(actor)


@rule("selfcheck.create_session")
def create_session(actor: Any, obj: Any) -> bool:
    """The organiser of the unit (*obj*) or its office opens a session for it."""
    return _unit_id(obj) in unit_ids_for(actor, roles=RECORDING_ROLES)


@rule("selfcheck.record")
def record(actor: Any, obj: Any) -> bool:
    """The organiser of the session's unit or its office records entries and findings."""
    return _unit_id(obj) in unit_ids_for(actor, roles=RECORDING_ROLES)


@rule("selfcheck.follow_up")
def follow_up(actor: Any, obj: Any) -> bool:
    """The same people record how a remedy is followed up."""
    return _unit_id(obj) in unit_ids_for(actor, roles=RECORDING_ROLES)


@rule("selfcheck.view")
def view(actor: Any, obj: Any) -> bool:
    """The organiser, the unit's office and the Standing Committee read a session."""
    return _unit_id(obj) in unit_ids_for(actor, roles=READING_ROLES)
