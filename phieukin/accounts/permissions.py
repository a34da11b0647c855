"""Permission predicates: who may change what.

Views ask these questions instead of checking roles themselves. Reads are scoped by the
selectors (through :mod:`phieukin.accounts.scoping`); these predicates decide writes and
access to whole pages. Each takes the user first and answers with a boolean.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from phieukin.accounts.models import Role
from phieukin.accounts.scoping import MANAGING_ROLES, has_role, roles_of, unit_ids_for

if TYPE_CHECKING:
    from phieukin.rounds.models import Conference, Round
    from phieukin.units.models import Position, Unit


def is_back_office(user: Any) -> bool:
    """Return whether the user holds a role that reads units, questionnaires and rounds."""
    return bool(roles_of(user) & set(MANAGING_ROLES))


def is_leader(user: Any) -> bool:
    """Return whether the user is an evaluated leader linked to a person record."""
    return bool(
        user.is_authenticated and getattr(user, "person_id", None) and Role.LEADER in roles_of(user)
    )


def is_district_organiser(user: Any) -> bool:
    """Return whether the user organises a district (or any unit) anywhere."""
    return has_role(user, Role.DISTRICT_ORGANISER)


def organised_units(user: Any) -> set[int]:
    """Return the ids of the units the user reaches as district organiser."""
    return unit_ids_for(user, roles=[Role.DISTRICT_ORGANISER])


def can_manage_units(user: Any, unit: Unit) -> bool:
    """Return whether the user may appoint leaders and edit people in *unit*."""
    return unit.pk in organised_units(user)


def can_appoint(user: Any, position: Position) -> bool:
    """Return whether the user may appoint a holder of *position*."""
    return position.unit_id in organised_units(user)


def can_manage_questionnaires(user: Any) -> bool:
    """Return whether the user may upload questionnaires (a district organiser)."""
    return is_district_organiser(user)


def can_create_round(user: Any, organiser_unit: Unit) -> bool:
    """Return whether the user may create a round organised by *organiser_unit*."""
    return organiser_unit.pk in organised_units(user)


def can_manage_round(user: Any, round: Round) -> bool:
    """Return whether the user may open, close and publish *round*."""
    return round.organiser_unit_id in organised_units(user)


def can_manage_conference(user: Any, conference: Conference) -> bool:
    """Return whether the user may record the attendance of *conference*.

    The ward organiser of the conference's ward and the district organiser may; a
    counter, a leader and the Standing Committee may not.
    """
    if conference.unit_id in organised_units(user):
        return True
    return conference.unit_id in unit_ids_for(user, roles=[Role.WARD_ORGANISER])


def can_view_audit(user: Any) -> bool:
    """Return whether the user may read the audit log (district organiser, Standing Committee)."""
    return bool(roles_of(user) & {Role.DISTRICT_ORGANISER, Role.STANDING_COMMITTEE})
