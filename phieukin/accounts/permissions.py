"""Permission predicates: typed yes/no questions about a user and an object.

The access rules (:mod:`phieukin.accounts.rules`) are built from these; selectors use the
scoping helpers of :mod:`phieukin.accounts.scoping` for reads. Each predicate takes the
user first, reads the objects it is given by attribute only (``round.organiser_unit_id``)
and imports no domain app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from phieukin.accounts.models import Role
from phieukin.accounts.scoping import MANAGING_ROLES, has_role, roles_of, unit_ids_for

if TYPE_CHECKING:
    from phieukin.rounds.models import Conference, Round, Subject
    from phieukin.units.models import Position, Unit


def leader_person_id(user: Any) -> int | None:
    """Return the person an evaluated leader's account stands for, or None.

    The one answer to "is this user an evaluated leader, and which one": a signed-in user
    holding the leader role and linked to a person record.
    """
    person_id = getattr(user, "person_id", None)
    if not getattr(user, "is_authenticated", False) or person_id is None:
        return None
    return person_id if Role.LEADER in roles_of(user) else None


def is_leader(user: Any) -> bool:
    """Return whether the user is an evaluated leader linked to a person record."""
    return leader_person_id(user) is not None


def is_back_office(user: Any) -> bool:
    """Return whether the user holds a role that reads units, questionnaires and rounds."""
    return bool(roles_of(user) & set(MANAGING_ROLES))


def is_district_organiser(user: Any) -> bool:
    """Return whether the user organises a district (or any unit) anywhere."""
    return has_role(user, Role.DISTRICT_ORGANISER)


def organised_units(user: Any) -> set[int]:
    """Return the ids of the units the user reaches as district organiser."""
    return unit_ids_for(user, roles=[Role.DISTRICT_ORGANISER])


def can_manage_committee(user: Any, unit: Any) -> bool:
    """Return whether the user adds and removes the counting committee of *unit*."""
    return bool(unit.pk in unit_ids_for(user, roles=[Role.WARD_ORGANISER, Role.DISTRICT_ORGANISER]))


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


# --- Reports --------------------------------------------------------------------------------


def is_round_organiser(user: Any, round: Round) -> bool:
    """Return whether the user is a district organiser of the round's organising unit."""
    return round.organiser_unit_id in unit_ids_for(user, roles=[Role.DISTRICT_ORGANISER])


def is_round_standing(user: Any, round: Round) -> bool:
    """Return whether the user sits on the Standing Committee of the organising unit."""
    return round.organiser_unit_id in unit_ids_for(user, roles=[Role.STANDING_COMMITTEE])


def can_open_summary(user: Any, round: Round) -> bool:
    """Return whether the user may open the round's district summary.

    The organiser always (a draft preview before publication); the Standing Committee
    once the round is published.
    """
    if is_round_organiser(user, round):
        return True
    return round.is_published and is_round_standing(user, round)


def can_open_ward_results(user: Any, conference: Conference) -> bool:
    """Return whether the user may read the pooled results of *conference*'s ward.

    Those who open the round's summary; once the round is published, also the ward's own
    office (ward organiser), for its own ward only.
    """
    round = conference.round
    if can_open_summary(user, round):
        return True
    if not round.is_published:
        return False
    return conference.unit_id in unit_ids_for(user, roles=[Role.WARD_ORGANISER])


def can_open_leader_report(user: Any, subject: Subject) -> bool:
    """Return whether the user may open the report on *subject*.

    The organiser always; once published, the Standing Committee and the evaluated
    leader themself (only their own report).
    """
    round = subject.conference.round
    if is_round_organiser(user, round):
        return True
    if not round.is_published:
        return False
    if is_round_standing(user, round):
        return True
    person_id = leader_person_id(user)
    return person_id is not None and person_id == subject.person_id


def can_view_report_log(user: Any, round: Round) -> bool:
    """Return whether the user may read who opened the round's reports (the organiser)."""
    return is_round_organiser(user, round)
